from django.db import migrations


def create_roles(apps, schema_editor):
    from gongdan.accounts.roles import BUILTIN_ROLES

    Role = apps.get_model('accounts', 'Role')
    for key, name, name_en, scope, staff in BUILTIN_ROLES:
        Role.objects.get_or_create(
            key=key, defaults={'name': name, 'name_en': name_en, 'ticket_scope': scope, 'is_staff_role': staff}
        )


class Migration(migrations.Migration):
    dependencies = [('accounts', '0002_initial')]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
