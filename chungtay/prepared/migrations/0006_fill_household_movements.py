"""Fill the households' movements (and recount the movement counts from them) from the results
already on record."""
from django.db import migrations


def fill(apps, schema_editor):
    if not apps.get_model("households", "Assessment").objects.exists():
        return
    from chungtay.prepared import refresh as r
    for y in r._years(None):
        r._movement_pair(y, None)


class Migration(migrations.Migration):
    dependencies = [("prepared", "0005_household_movements")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
