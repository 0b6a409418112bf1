"""The service-credit ledger moved to the credit app: home care forgets the model, the table
stays (credit.0001 takes it over under the same name)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('homecare', '0003_visit_code_attempts'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='CreditEntry')],
            database_operations=[],
        ),
    ]
