import datetime as dt

PROCESS_KEY = 'svc_inspection'
# SVC-12: the fault ticket an abnormal urgent check opens (the service desk's event ticket).
FAULT_PROCESS = 'sd_event'
# How far back the scheduler looks for missed slots (a worker down for an hour still files them).
SCHEDULER_LOOKBACK = dt.timedelta(hours=24)
# The scheduler runs every few minutes.
SCHEDULER_MINUTES = '*/5'
# The daily maintenance report is e-mailed at this local hour to the network administrators and general managers.
DAILY_REPORT_TIME = dt.time(18, 30)
