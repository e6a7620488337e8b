"""The roles every installation starts with (seeded by a data migration; administrators may rename them or
change their scope). Processes refer to roles by key."""

# key, 中文名, English name, ticket scope, staff role
BUILTIN_ROLES: list[tuple[str, str, str, str, bool]] = [
    ('agent', '客服坐席', 'Service desk agent', 'all', True),
    ('acceptance_engineer', '客户受理工程师', 'Acceptance engineer (L1)', 'all', True),
    ('network_engineer', '网络管理工程师', 'Network management engineer (L2)', 'team', True),
    ('technical_supervisor', '技术主管', 'Technical supervisor', 'all', True),
    ('duty_lead', '值班长', 'Duty lead', 'team', True),
    ('engineer', '运维/维护工程师', 'Engineer', 'team', True),
    ('director', '中心主任', 'Center director', 'all', True),
    ('general_manager', '总经理', 'General manager', 'all', True),
    ('vp', '分管副总', 'Vice president in charge', 'all', True),
    ('complaint_recorder', '投诉记录员', 'Complaint recorder', 'team', True),
    ('callback_officer', '客户回访员', 'Callback officer', 'all', True),
    ('inspector', '系统巡检员', 'System inspector', 'team', True),
    ('security_admin', '系统安全管理员', 'Security administrator', 'team', True),
    ('document_admin', '资料管理员', 'Document administrator', 'team', True),
    ('presales', '售前工程师', 'Presales engineer', 'own', True),
    ('sales', '销售/客户经理', 'Sales / account manager', 'own', True),
    ('finance', '财务', 'Finance', 'own', True),
    ('procurement', '采购', 'Procurement', 'own', True),
    ('customer_contact', '客户联系人', 'Customer contact', 'customer', False),
    ('administrator', '系统管理员', 'Administrator', 'all', True),
    # CSC-02 (emergencies): confirms emergencies; quality (CSQ) tracks Red Flags to closure. Seeded for existing
    # databases by emergencies/migrations/0002_roles.py.
    ('engineering_manager', '工程服务经理', 'Engineering manager', 'all', True),
    ('quality', '质量管理（CSQ）', 'Quality (CSQ)', 'all', True),
    # CRC-09 (cutover): the province response center reviews customer-impact plans; the group's international
    # customer service approves cutovers of international circuits. Seeded by crc/migrations/0002_roles.py.
    ('province_crc', '省公司响应中心', 'Province response center', 'all', True),
    ('intl_service', '集团国际客服', 'Group international customer service', 'all', True),
    # SVC-07 (projectdocs): the project department hands over project documentation and files changes to running
    # projects. Seeded for existing databases by projectdocs/migrations/0001_roles.py.
    ('project_dept', '项目部', 'Project department', 'own', True),
]

BUILTIN_ROLE_KEYS = frozenset(r[0] for r in BUILTIN_ROLES)
