"""Three indexes that another index already covers, dropped: every household and result written
maintained them for nothing.

- households_household: a second index on province_id (the foreign key's own stays), and the one
  on commune_id alone (the (commune_id, village_id) index leads with it);
- households_assessment: the one on household_id alone (the (household_id, year) index leads
  with it).

The two foreign keys change only in Django's state (``db_index=False``); the database drops the
index by name. An AlterField would make SQLite copy the whole results table (1.3 million rows in
the demo) to drop one index.
"""
import django.db.models.deletion
from django.db import migrations, models

DROPS = [
    # (index, table, column)
    ("households_household_commune_id_f12598c4", "households_household", "commune_id"),
    ("households_assessment_household_id_d8a44c3a", "households_assessment", "household_id"),
]


class Migration(migrations.Migration):

    dependencies = [
        ('households', '0006_household_ended_province'),
        ('units', '0002_unit_sort_name'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='household',
            name='households__provinc_ecc977_idx',
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='assessment',
                    name='household',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name='assessments', to='households.household'),
                ),
                migrations.AlterField(
                    model_name='household',
                    name='commune',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                            related_name='+', to='units.unit'),
                ),
            ],
            database_operations=[
                migrations.RunSQL(f'DROP INDEX IF EXISTS "{name}"',
                                  reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("{column}")')
                for name, table, column in DROPS
            ],
        ),
    ]
