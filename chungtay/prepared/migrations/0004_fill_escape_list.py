"""Fill the province histograms and the near-escape list from the results already on record."""
from django.db import migrations


def fill(apps, schema_editor):
    if not apps.get_model("households", "Assessment").objects.exists():
        return
    from chungtay.prepared import refresh as r
    for y in r._years(None):
        r._province_deprivations(y, None)
        r._escapes(y, None)


class Migration(migrations.Migration):
    dependencies = [("prepared", "0003_escape_list")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
