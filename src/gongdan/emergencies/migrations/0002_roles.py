"""Seed the CSC-02 roles on existing databases: the engineering manager (confirms emergencies) and quality (tracks
Red Flags to closure). New databases get them from accounts/roles.py too (accounts 0003 reads BUILTIN_ROLES);
get_or_create keeps both paths idempotent. Kept in this app so the accounts migration graph stays untouched."""

from django.db import migrations

ROLES = [
    ('engineering_manager', '工程服务经理', 'Engineering manager', 'all', True),
    ('quality', '质量管理（CSQ）', 'Quality (CSQ)', 'all', True),
]


def create_roles(apps, schema_editor):
    Role = apps.get_model('accounts', 'Role')
    for key, name, name_en, scope, staff in ROLES:
        Role.objects.get_or_create(
            key=key, defaults={'name': name, 'name_en': name_en, 'ticket_scope': scope, 'is_staff_role': staff}
        )


class Migration(migrations.Migration):
    dependencies = [('emergencies', '0001_initial'), ('accounts', '0003_builtin_roles')]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
