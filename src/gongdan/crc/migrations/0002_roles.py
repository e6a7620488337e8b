"""Seed the CRC-09 roles on existing databases: the province response center (reviews customer-impact plans) and
the group's international customer service (approves international-circuit cutovers). New databases get them from
accounts/roles.py too (accounts 0003 reads BUILTIN_ROLES); get_or_create keeps both paths idempotent. Kept in this
app so the accounts migration graph stays untouched."""

from django.db import migrations

ROLES = [
    ('province_crc', '省公司响应中心', 'Province response center', 'all', True),
    ('intl_service', '集团国际客服', 'Group international customer service', 'all', True),
]


def create_roles(apps, schema_editor):
    Role = apps.get_model('accounts', 'Role')
    for key, name, name_en, scope, staff in ROLES:
        Role.objects.get_or_create(
            key=key, defaults={'name': name, 'name_en': name_en, 'ticket_scope': scope, 'is_staff_role': staff}
        )


class Migration(migrations.Migration):
    dependencies = [('crc', '0001_initial'), ('accounts', '0003_builtin_roles')]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
