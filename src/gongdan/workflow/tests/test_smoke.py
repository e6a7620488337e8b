def test_processes_load(processes):
    from gongdan.workflow.models import Process

    assert set(Process.objects.values_list('key', flat=True)) >= {'sd_event', 'idc_visit'}
