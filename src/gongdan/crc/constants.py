"""Fixed facts of the response center's processes."""

# CRC-01: the priority a customer level gives at least (a ticket is never lowered by it).
LEVEL_PRIORITY = {'vip': 'p2', 'key': 'p3'}
# CRC-01 / CRC-09: customers of these levels are key customers (重要客户); their account manager follows the tickets.
KEY_LEVELS = frozenset({'vip', 'key'})

# CRC-05: the step states of a provisioning order and the clock that holds each step's deadline.
PROVISIONING_STEPS = {
    'acceptance': 'acceptance',
    'data_config': 'data_config',
    'construction': 'construction',
    'testing': 'testing',
    'completion': 'completion',
}
PROVISIONING_PROCESS = 'crc_provisioning'
RESOURCE_CHECK_PROCESS = 'crc_resource_check'
