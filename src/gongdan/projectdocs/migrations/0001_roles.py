"""Seed the SVC-07 project department role on existing databases (new databases get it from accounts/roles.py too:
accounts 0003 reads BUILTIN_ROLES; get_or_create keeps both paths idempotent). Kept in this app so the accounts
migration graph stays untouched."""

from django.db import migrations

ROLES = [('project_dept', '项目部', 'Project department', 'own', True)]


def create_roles(apps, schema_editor):
    Role = apps.get_model('accounts', 'Role')
    for key, name, name_en, scope, staff in ROLES:
        Role.objects.get_or_create(
            key=key, defaults={'name': name, 'name_en': name_en, 'ticket_scope': scope, 'is_staff_role': staff}
        )


class Migration(migrations.Migration):
    dependencies = [('accounts', '0003_builtin_roles')]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
