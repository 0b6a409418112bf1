"""Take over home care's ledger table as it is (state only: the table, its index and its
constraints already exist under ``homecare_creditentry``)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('benefits', '0003_fraud_checks'),
        ('homecare', '0004_creditentry_moves_to_credit'),
        ('people', '0003_elder_name_trigram'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CreditEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('period', models.DateField(verbose_name='month')),
                        ('unit', models.CharField(choices=[('fen', 'yuan (fen)'), ('minute', 'hours (minutes)')], default='fen', max_length=8, verbose_name='unit')),
                        ('category', models.CharField(blank=True, choices=[('emergency', 'emergency help'), ('meals', 'meal help'), ('cleaning', 'cleaning help'), ('bathing', 'bathing help'), ('mobility', 'mobility help'), ('medical', 'medical help'), ('daily_care', 'daily living care'), ('housekeeping', 'housekeeping'), ('health', 'health management'), ('companionship', 'emotional support')], max_length=16, verbose_name='category')),
                        ('kind', models.CharField(choices=[('grant', 'monthly grant'), ('spend', 'spent on a visit'), ('refund', 'refund of a rejected visit'), ('expire', 'expired'), ('rollover', 'rolled over'), ('adjust', 'adjustment')], max_length=8, verbose_name='kind')),
                        ('amount', models.BigIntegerField(verbose_name='amount')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('elder', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='credit_entries', to='people.elder')),
                        ('run', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='benefits.benefitrun')),
                        ('visit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='credit_entries', to='homecare.visit')),
                    ],
                    options={
                        'db_table': 'homecare_creditentry',
                        'ordering': ['elder_id', 'period', 'id'],
                        'indexes': [models.Index(fields=['elder', 'period'], name='homecare_cr_elder_i_8f9b68_idx')],
                        'constraints': [
                            models.UniqueConstraint(condition=models.Q(('kind', 'grant')), fields=('elder', 'run', 'unit', 'category'), name='uniq_credit_grant'),
                            models.UniqueConstraint(condition=models.Q(('visit__isnull', False)), fields=('visit', 'unit', 'kind'), name='uniq_credit_visit_kind'),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
