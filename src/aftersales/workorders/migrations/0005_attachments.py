"""Attachments on work orders: photos and documents of the customer and of staff, and their
uploads on the timeline (issue 9)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workorders', '0004_drop_redundant_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='workorderevent',
            name='kind',
            field=models.CharField(choices=[('created', 'Created'), ('status', 'Status change'), ('assignment', 'Assignment'), ('note', 'Progress note'), ('communication', 'Communication'), ('change', 'Change'), ('attachment', 'Attachment')], max_length=16, verbose_name='kind'),
        ),
        migrations.CreateModel(
            name='Attachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(max_length=255, upload_to='', verbose_name='file')),
                ('thumbnail', models.FileField(blank=True, max_length=255, upload_to='', verbose_name='thumbnail')),
                ('name', models.CharField(max_length=255, verbose_name='file name')),
                ('kind', models.CharField(choices=[('jpeg', 'JPEG'), ('png', 'PNG'), ('webp', 'WebP'), ('pdf', 'PDF'), ('xlsx', 'Excel workbook'), ('docx', 'Word document')], max_length=8, verbose_name='kind')),
                ('size', models.PositiveIntegerField(verbose_name='size in bytes')),
                ('visible_to_customer', models.BooleanField(default=False, verbose_name='visible to the customer')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='uploaded at')),
                ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
                ('work_order', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='attachments', to='workorders.workorder', verbose_name='work order')),
            ],
            options={
                'verbose_name': 'attachment',
                'verbose_name_plural': 'attachments',
                'ordering': ['created_at', 'id'],
                'indexes': [models.Index(fields=['work_order', 'created_at', 'id'], name='woattachment_idx')],
            },
        ),
    ]
