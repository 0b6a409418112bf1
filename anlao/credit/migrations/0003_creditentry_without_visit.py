"""The ledger no longer points at home care: the visit column goes (its lines carry the visit
in ``source_id``), one source line per kind is the new unique key, and the kinds gain holds.
A migration of its own: PostgreSQL will not alter a table in the transaction that updated it
in 0002."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('credit', '0002_creditentry_source'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='creditentry',
            name='uniq_credit_visit_kind',
        ),
        migrations.RemoveField(
            model_name='creditentry',
            name='visit',
        ),
        migrations.AlterField(
            model_name='creditentry',
            name='category',
            field=models.CharField(blank=True, max_length=16, verbose_name='category'),
        ),
        migrations.AlterField(
            model_name='creditentry',
            name='kind',
            field=models.CharField(choices=[('grant', 'monthly grant'), ('spend', 'spent on a visit'), ('refund', 'refund of a rejected visit'), ('expire', 'expired'), ('rollover', 'rolled over'), ('adjust', 'adjustment'), ('hold', 'held for an order'), ('release', 'hold released')], max_length=8, verbose_name='kind'),
        ),
        migrations.AddConstraint(
            model_name='creditentry',
            constraint=models.UniqueConstraint(condition=models.Q(('source_id__isnull', False)), fields=('source', 'source_id', 'elder', 'unit', 'kind'), name='uniq_credit_source_kind'),
        ),
    ]
