"""The national movements are reference data (like the programme catalogue): Decision
1258/QĐ-TTg of 21/08/2017 (2016–2020) and Decision 666/QĐ-TTg of 02/06/2022 (2021–2025),
movement.md. Provinces derive their movements from them."""
import datetime as dt

from django.db import migrations

NATIONAL = [
    ("Cả nước chung tay vì người nghèo – Không để ai bị bỏ lại phía sau", "1258/QĐ-TTg", dt.date(2017, 8, 21), 2016, 2020),
    ("Vì người nghèo – Không để ai bị bỏ lại phía sau", "666/QĐ-TTg", dt.date(2022, 6, 2), 2021, 2025),
]


def load(apps, schema_editor):
    Movement = apps.get_model("emulation", "Movement")
    for name, no, date, start, end in NATIONAL:
        if not Movement.objects.filter(level="national", decision_no=no).exists():
            Movement.objects.create(name=name, level="national", decision_no=no, decision_date=date,
                                    issuer="Thủ tướng Chính phủ", start_year=start, end_year=end, state="closed"
                                    if end < 2025 else "running")


def unload(apps, schema_editor):
    apps.get_model("emulation", "Movement").objects.filter(level="national", unit__isnull=True,
                                                          decision_no__in=[n[1] for n in NATIONAL]).delete()


class Migration(migrations.Migration):
    dependencies = [("emulation", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
