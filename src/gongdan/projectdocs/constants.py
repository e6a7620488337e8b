HANDOVER_PROCESS = 'svc_doc_handover'
ACCESS_PROCESS = 'svc_doc_access'
ARCHIVED = 'archived'
GRANTED = 'granted'
# SVC-07: an expansion is a new project, a change is filed on a running project: both name the earlier project.
LINKED_KINDS = ('expansion', 'change')
