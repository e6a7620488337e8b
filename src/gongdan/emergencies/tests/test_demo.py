"""The emergency demo (CSC-02, CSC-05): a contact list, one open Red Flag (the banner shows it), one closed."""

from gongdan.emergencies.models import Emergency, PagingContact
from gongdan.emergencies.queries import open_red_flags
from gongdan.utilities.demo import ensure_processes, sync_reference_data
from gongdan.utilities.demo_redflag import build_red_flags


def test_demo_red_flags_are_made_through_the_actions_and_idempotent(db):
    ensure_processes()
    directory = sync_reference_data()
    filed = build_red_flags(directory)
    assert filed[('csc_red_flag', 'active')] == 1 and filed[('csc_red_flag', 'closed')] == 1
    assert sorted(Emergency.objects.values_list('status', flat=True)) == ['closed', 'confirmed']
    agent = directory.users['agent']
    assert [flag['status'] for flag in open_red_flags(agent)] == ['confirmed']
    assert PagingContact.objects.filter(user__username='emgr').exists()
    assert PagingContact.objects.filter(user__isnull=True).exclude(email='').count() == 2
    counts = (Emergency.objects.count(), PagingContact.objects.count())
    assert not build_red_flags(directory)
    assert (Emergency.objects.count(), PagingContact.objects.count()) == counts
