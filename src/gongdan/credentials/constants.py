"""Process keys and fixed numbers of the credential processes (SVC-01 … SVC-06)."""

import datetime as dt

REQUEST_PROCESS = 'svc_access_request'
ROTATION_PROCESS = 'svc_password_rotation'
# Who keeps the register, grants and files (SVC-02: a named security administrator); administrators too.
SECURITY_ROLES = ('security_admin', 'administrator')
# Who may read every grant (supervision, SVC-01): the security roles and the management line.
OVERSIGHT_ROLES = (*SECURITY_ROLES, 'general_manager', 'vp', 'director')
# SVC-05: the user units are told within 24 hours of the new password being filed.
NOTIFY_WITHIN = dt.timedelta(hours=24)
# A shown password needs a re-entered password no older than this.
REAUTH_FOR = dt.timedelta(minutes=5)
# The worker files each quarter's rotations and the month-end review at this local time.
JOB_TIME = dt.time(8, 30)
