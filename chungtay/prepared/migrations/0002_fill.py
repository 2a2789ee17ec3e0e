"""Fill the prepared figures from the results already on record (an installation upgraded
with data; a new one has none and this is instant)."""
from django.db import migrations


def fill(apps, schema_editor):
    if not apps.get_model("households", "Assessment").objects.exists():
        return
    from chungtay.prepared.refresh import refresh
    refresh()


class Migration(migrations.Migration):
    dependencies = [("prepared", "0001_initial")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
