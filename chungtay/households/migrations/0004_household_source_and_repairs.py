"""Household.source, and the repairs that let 0005 add the unique constraints to an existing
database: at most one current assessment per household, year and kind (the newest version
stays current), and one summary row per year and village (duplicated villages are recounted).

Households of the demo population get source="demo": the demo loader starts from an empty
household table (or deletes every household first), so every household created up to its
latest "demo.load" audit event came from it; later ones were registered or imported."""
from django.db import migrations, models

COUNTS = {
    "total": "COUNT(*)",
    "poor": "SUM(CASE WHEN category = 'poor' THEN 1 ELSE 0 END)",
    "near_poor": "SUM(CASE WHEN category = 'near_poor' THEN 1 ELSE 0 END)",
    "average": "SUM(CASE WHEN category = 'average' THEN 1 ELSE 0 END)",
    "above_average": "SUM(CASE WHEN category = 'above_average' THEN 1 ELSE 0 END)",
    "em_total": "SUM(CASE WHEN ethnic_minority THEN 1 ELSE 0 END)",
    "em_poor": "SUM(CASE WHEN ethnic_minority AND category = 'poor' THEN 1 ELSE 0 END)",
    **{f"d{i}": f"SUM(CASE WHEN category = 'poor' AND dep_{i} THEN 1 ELSE 0 END)" for i in range(1, 13)},
    "poor_income_sum": "SUM(CASE WHEN category = 'poor' AND basis = 'income' THEN income ELSE 0 END)",
    "poor_income_n": "SUM(CASE WHEN category = 'poor' AND basis = 'income' THEN 1 ELSE 0 END)",
}
OTHER = ["commune_id", "province_id", "legacy_commune_id", "district_id", "legacy_province_id"]


def mark_demo(apps, schema_editor):
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    Household = apps.get_model("households", "Household")
    last = AuditEvent.objects.filter(action="demo.load").order_by("-at").values_list("at", flat=True).first()
    if last is not None:
        Household.objects.filter(created_at__lte=last).update(source="demo")


def repair(apps, schema_editor):
    from django.db.models import Count, Max
    Assessment = apps.get_model("households", "Assessment")
    YearSummary = apps.get_model("households", "YearSummary")
    dup = (Assessment.objects.filter(is_current=True).values("household_id", "year", "kind")
           .annotate(n=Count("id"), top=Max("version")).filter(n__gt=1))
    for d in dup:
        (Assessment.objects.filter(household_id=d["household_id"], year=d["year"], kind=d["kind"], is_current=True)
         .exclude(version=d["top"]).update(is_current=False))
    pairs = list(YearSummary.objects.values("year", "village_id").annotate(n=Count("id")).filter(n__gt=1)
                 .values_list("year", "village_id"))
    conn = schema_editor.connection
    src, dst = Assessment._meta.db_table, YearSummary._meta.db_table
    cols = ["year", "village_id"] + OTHER + list(COUNTS)
    sql = (f"INSERT INTO {dst} ({', '.join(cols)}) SELECT year, village_id, "
           f"{', '.join(f'MIN({c})' for c in OTHER)}, {', '.join(COUNTS.values())} FROM {src} "
           "WHERE kind = 'periodic' AND is_current AND year = %s AND village_id = %s GROUP BY year, village_id")
    for year, village in pairs:
        YearSummary.objects.filter(year=year, village_id=village).delete()
        with conn.cursor() as cur:
            cur.execute(sql, [year, village])


class Migration(migrations.Migration):

    dependencies = [
        ('households', '0003_yearsummary_poor_income'),
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='household',
            name='source',
            field=models.CharField(choices=[('demo', 'Dữ liệu mẫu (tổng hợp)'), ('import', 'Nhập từ tệp'),
                                            ('user', 'Đăng ký trên hệ thống')], default='user', db_default='user', max_length=8),
        ),
        migrations.RunPython(mark_demo, migrations.RunPython.noop),
        migrations.RunPython(repair, migrations.RunPython.noop),
    ]
