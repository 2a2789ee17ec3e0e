"""The results' (household_id, year) index, dropped: the unique constraint assessment_version's own
index (household_id, year, kind, version) leads with the same two columns, and answers every look-up
of a household's results by year (a household's page, the movements, the import's matching). Every
result written maintained the copy for nothing; the demo load built it for ~0.4 s.
"""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('households', '0007_fewer_duplicate_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='assessment',
            name='households__househo_ee1abb_idx',
        ),
    ]
