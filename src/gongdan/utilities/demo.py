"""Realistic Chinese demo data: the organisation, one account per role, customers and a few hundred tickets.

``build_demo()`` is idempotent: reference data (org units, users, teams, customers, categories) is matched by
its stable key and brought to the values below, and tickets are generated only when no demo account has
filed one yet. Running it twice changes nothing but the passwords.

Reference data has no actions of its own (it is what an administrator types into the admin), so it is
written here directly, as the test fixtures do. Tickets are different: every ticket is filed and moved only
through the actions (``do_create_ticket``, ``do_transition``, ``do_decide_approval``, ``do_add_comment``),
backdated with their ``at=`` argument, so the demo exercises the same rules, guards and timeline as real use.
A fixed random seed makes the generated data the same on every machine (times are relative to "now").
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from gongdan.accounts.models import OrgUnit, Role, Team, User
from gongdan.approvals.actions import do_decide_approval
from gongdan.approvals.models import ApprovalStatus
from gongdan.customers.models import Contact, Customer, CustomerLevel
from gongdan.tickets.actions import do_add_comment, do_create_ticket
from gongdan.tickets.models import Category, Ticket
from gongdan.workflow.actions import do_sync_processes, do_transition
from gongdan.workflow.models import Process

DEFAULT_PASSWORD = 'gongdan-demo'  # noqa: S105 (documented demo password, README "Quick start")
SEED = 20_261_122
DAYS = 60
SD_TICKETS = 260
VISIT_TICKETS = 80
EMAIL_DOMAIN = 'demo.gongdan.example'
RECENT = dt.timedelta(days=14)  # tickets younger than this are often still open
PDF_RECENT = dt.timedelta(days=6)  # onsite repairs younger than this get their work order PDF in the demo

# code, name, kind, parent code, head username
ORG_UNITS = [
    ('company', '某某科技股份有限公司', 'company', None, 'gm'),
    ('gmo', '总经理办公室', 'office', 'company', 'gm'),
    ('csc', '客户服务中心', 'center', 'company', 'director'),
    ('desk', '客服坐席组', 'office', 'csc', 'supervisor'),
    ('ops', '运维中心', 'center', 'company', 'opsmgr'),
    ('idc', 'IDC事业部', 'department', 'company', 'idcmgr'),
    ('crc', '政企客户响应中心', 'center', 'company', 'crcmgr'),
    ('finance', '财务部', 'department', 'company', 'finance'),
    ('procurement', '采购部', 'department', 'company', 'procurement'),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    roles: tuple[str, ...]
    unit: str | None = None
    customer: str | None = None
    superuser: bool = False


# One stable account per role (README lists them), then the colleagues that make teams and units realistic.
ACCOUNTS = [
    DemoAccount('admin', '赵志刚', ('administrator',), 'ops', superuser=True),
    DemoAccount('agent', '李娜', ('agent',), 'desk'),
    DemoAccount('acceptance', '陈晓燕', ('acceptance_engineer',), 'desk'),
    DemoAccount('supervisor', '周强', ('technical_supervisor',), 'desk'),
    DemoAccount('director', '孙丽华', ('director',), 'csc'),
    DemoAccount('complaints', '吴芳', ('complaint_recorder',), 'csc'),
    DemoAccount('callback', '郑敏', ('callback_officer',), 'csc'),
    DemoAccount('docadmin', '冯静', ('document_admin',), 'csc'),
    DemoAccount('engineer', '刘洋', ('engineer',), 'ops'),
    DemoAccount('dutylead', '张伟', ('duty_lead',), 'ops'),
    DemoAccount('neteng', '何军', ('network_engineer', 'engineer'), 'ops'),
    DemoAccount('techsup', '马超', ('engineer',), 'ops'),
    DemoAccount('inspector', '林涛', ('inspector',), 'ops'),
    DemoAccount('secadmin', '郭磊', ('security_admin',), 'ops'),
    DemoAccount('presales', '杨帆', ('presales',), 'idc'),
    DemoAccount('sales', '徐鹏', ('sales',), 'idc'),
    DemoAccount('gm', '王建华', ('general_manager',), 'gmo'),
    DemoAccount('vp', '高志远', ('vp',), 'gmo'),
    DemoAccount('finance', '罗丹', ('finance',), 'finance'),
    DemoAccount('procurement', '梁勇', ('procurement',), 'procurement'),
    DemoAccount('emgr', '宋立新', ('engineering_manager',), 'ops'),  # CSC-02: confirms emergencies
    DemoAccount('quality', '严青', ('quality',), 'csc'),  # CSC-02: tracks Red Flags to closure
    DemoAccount('customer_a', '钱文博', ('customer_contact',), customer='dingxin'),
    DemoAccount('customer_b', '沈佳怡', ('customer_contact',), customer='yunfan'),
    # colleagues
    DemoAccount('agent2', '谢婷', ('agent',), 'desk'),
    DemoAccount('opsmgr', '韩东', ('director',), 'ops'),
    DemoAccount('idcmgr', '曹明', ('director',), 'idc'),
    DemoAccount('crcmgr', '邓霞', ('director',), 'crc'),
    DemoAccount('crc_acceptance', '宋佳', ('acceptance_engineer',), 'crc'),
    DemoAccount('sw_lead', '许亮', ('duty_lead',), 'ops'),
    DemoAccount('sw_eng', '蒋波', ('engineer',), 'ops'),
    DemoAccount('mr_eng', '唐鑫', ('engineer',), 'ops'),
    DemoAccount('net_lead', '彭飞', ('duty_lead',), 'ops'),
    DemoAccount('auto_lead', '袁宁', ('duty_lead',), 'ops'),
    DemoAccount('auto_eng', '潘伟', ('engineer',), 'ops'),
    DemoAccount('crc_noc', '钟毅', ('network_engineer',), 'crc'),
    DemoAccount('crc_lead', '蔡斌', ('duty_lead',), 'crc'),
    DemoAccount('crc_eng', '丁浩', ('engineer',), 'crc'),
    DemoAccount('crc_data_lead', '任杰', ('duty_lead',), 'crc'),
    DemoAccount('crc_data_eng', '姚远', ('engineer',), 'crc'),
    # CRC-04/CRC-05/CRC-09: the departments a resource check goes to, construction, the province and the group
    DemoAccount('crc_mobile_lead', '陆敏', ('duty_lead',), 'crc'),
    DemoAccount('crc_fixed_lead', '田野', ('duty_lead',), 'crc'),
    DemoAccount('crc_build_lead', '秦川', ('duty_lead',), 'crc'),
    DemoAccount('province', '顾晨', ('province_crc',), 'crc'),
    DemoAccount('intl', '白雪', ('intl_service',), 'crc'),
    DemoAccount('projdept', '叶青', ('project_dept',), 'csc'),  # SVC-07: hands over project documentation
]
DEMO_USERNAMES = tuple(a.username for a in ACCOUNTS)

# key, name, duty lead, members (SD-03: the four ops groups)
TEAMS = [
    ('software_ops', '软件运维组', 'sw_lead', ('sw_lead', 'techsup', 'sw_eng')),
    ('machine_room_ops', '机房运维组', 'dutylead', ('dutylead', 'engineer', 'mr_eng')),
    ('network_ops', '通信网络运维组', 'net_lead', ('net_lead', 'neteng')),
    ('automation_ops', '自动化运维组', 'auto_lead', ('auto_lead', 'auto_eng')),
    # CRC-07: the specialties a fault is dispatched to (the response center's maintenance groups)
    ('crc_transport', '传输专业维护组', 'crc_lead', ('crc_lead', 'crc_eng')),
    ('crc_data', '数据专业维护组', 'crc_data_lead', ('crc_data_lead', 'crc_data_eng')),
    # SVC-08 / CSC-02: the customer service center's tiers (processes/svc_request.yaml, svc_planned.yaml)
    ('csc_acceptance', '客户受理组（一线）', 'acceptance', ('acceptance', 'agent', 'agent2')),
    ('network_mgmt', '网络管理组（二线）', 'neteng', ('neteng',)),
    ('tech_support', '技术支持组（三线）', 'supervisor', ('supervisor', 'techsup')),
    # CRC-04: the departments resource checks are sent to; CRC-05/CRC-08: the construction department
    ('crc_mobile', '移动专业', 'crc_mobile_lead', ('crc_mobile_lead',)),
    ('crc_fixed', '固网专业', 'crc_fixed_lead', ('crc_fixed_lead',)),
    ('crc_build', '建设部', 'crc_build_lead', ('crc_build_lead',)),
]
# Other teams belong to the ops center.
TEAM_UNITS = {
    **dict.fromkeys(('crc_transport', 'crc_data', 'crc_mobile', 'crc_fixed', 'crc_build'), 'crc'),
    'csc_acceptance': 'desk',
    'tech_support': 'desk',
}

LEVELS = [('vip', 'VIP客户', 10), ('key', '重点客户', 20), ('standard', '普通客户', 50)]

# code, name, short name, level, address, contacts [(name, title, portal username or None)]
CUSTOMERS = [
    (
        'dingxin',
        '鼎新智能制造集团有限公司',
        '鼎新集团',
        'vip',
        '江苏省苏州市工业园区星湖街328号',
        [('钱文博', '信息中心主任', 'customer_a'), ('孙倩', 'IT工程师', None)],
    ),
    (
        'jcbank',
        '江城农村商业银行股份有限公司',
        '江城农商行',
        'vip',
        '湖北省武汉市江汉区建设大道568号',
        [('赵敏', '科技部经理', None), ('周凯', '运维主管', None)],
    ),
    (
        'yunfan',
        '云帆网络科技有限公司',
        '云帆网络',
        'key',
        '上海市浦东新区张江路1238号',
        [('沈佳怡', '运维经理', 'customer_b'), ('陆晨', '系统工程师', None)],
    ),
    (
        'binhai-gov',
        '滨海市政务服务和数据管理局',
        '滨海数据局',
        'key',
        '滨海市市民中心B座6楼',
        [('黄建军', '信息科科长', None)],
    ),
    (
        'hengtong',
        '恒通物流股份有限公司',
        '恒通物流',
        'standard',
        '浙江省宁波市北仑区港城大道88号',
        [('程雪', 'IT专员', None)],
    ),
    (
        'qiming',
        '启明教育科技有限公司',
        '启明教育',
        'standard',
        '北京市海淀区中关村大街27号',
        [('马骏', '技术总监', None)],
    ),
]

ACCOUNT_MANAGERS = {code: 'presales' if code == 'yunfan' else 'sales' for code, *_rest in CUSTOMERS}

CATEGORIES = [
    ('software', '软件问题', 'software_ops'),
    ('machine_room', '机房设备', 'machine_room_ops'),
    ('network', '通信网络', 'network_ops'),
    ('automation', '自动化系统', 'automation_ops'),
]

# Per category: (title, symptom) pairs, the usual urgency/impact, and what fixed it.
SD_TOPICS: dict[str, list[tuple[str, str]]] = {
    'software': [
        ('财务系统无法登录', '输入账号密码后提示“连接服务器超时”，财务部多人同时出现'),
        ('OA邮件发送失败', '发送带附件的邮件时提示“550 邮件被拒绝”'),
        ('ERP系统报表导出报错', '导出月度库存报表时页面白屏，提示内部错误'),
        ('用友U8凭证无法保存', '保存记账凭证时提示“数据库锁定”'),
        ('办公电脑频繁蓝屏重启', '开机约十分钟后蓝屏，错误代码 0x0000007E'),
        ('打印机驱动安装失败', '新装的网络打印机无法添加，驱动安装报错'),
        ('视频会议系统无法共享屏幕', '会议中点击共享屏幕无反应，其他功能正常'),
        ('邮箱容量已满无法收信', '邮箱提示空间不足，外部邮件被退回'),
        ('考勤系统数据不同步', '考勤机打卡记录两天未同步到人事系统'),
        ('门户网站后台上传图片失败', '后台上传新闻配图时提示文件格式错误'),
        ('杀毒软件病毒库无法更新', '终端安全客户端提示病毒库已过期七天'),
        ('Office更新后无法打开文档', 'Windows更新后Word、Excel打开即闪退'),
    ],
    'machine_room': [
        ('3号机房空调告警', '动环监控显示3号机房精密空调高压告警，回风温度持续升高'),
        ('UPS电池组电压异常', 'UPS面板提示电池组电压低，2号电池柜有异响'),
        ('2号机房温度过高', 'B列机柜进风温度达到29℃，超过告警阈值'),
        ('机柜PDU断电', 'A05机柜右侧PDU断电，柜内4台服务器单电源运行'),
        ('服务器硬盘故障灯亮', '数据库服务器3号盘位黄灯常亮，RAID降级'),
        ('存储阵列控制器告警', '存储管理界面显示控制器B离线'),
        ('机房漏水检测告警', '1号机房东侧漏水绳告警，地板下有积水'),
        ('精密空调压缩机故障', '空调压缩机无法启动，显示低压告警'),
        ('服务器电源模块损坏', '虚拟化主机冗余电源告警，PSU2无输出'),
        ('磁带库机械臂卡带', '夜间备份任务失败，磁带库提示机械臂卡滞'),
    ],
    'network': [
        ('办公区无线网络频繁掉线', '5楼办公区无线每隔几分钟断开一次，需重新认证'),
        ('核心交换机端口down', '核心交换机Gi1/0/24端口down，3楼接入交换机失联'),
        ('营业厅专线中断', '城东营业厅专线中断，业务系统无法访问'),
        ('VPN无法连接', '出差人员VPN客户端提示认证失败，账号密码确认无误'),
        ('互联网出口带宽跑满', '出口带宽利用率持续100%，网页访问缓慢'),
        ('会议室网口不通', '3楼大会议室墙面网口无法获取IP地址'),
        ('DNS解析异常', '内网部分域名解析到旧地址，访问OA时好时坏'),
        ('防火墙策略导致业务访问失败', '新上线的接口服务器从外网无法访问'),
        ('分支机构MPLS链路丢包严重', '南京分公司至总部链路丢包率约15%，视频会议卡顿'),
        ('IP电话无法拨打外线', '全楼IP电话可拨内线，拨外线提示忙音'),
    ],
    'automation': [
        ('门禁系统刷卡无响应', '大楼东门门禁读卡器刷卡无反应，指示灯不亮'),
        ('动环监控平台数据中断', '动环监控平台2号机房数据自凌晨起不再刷新'),
        ('自动化巡检脚本执行失败', '每日巡检任务报错退出，巡检报告未生成'),
        ('楼宇自控系统告警误报', '楼宇自控系统频繁上报新风机组故障，现场检查正常'),
        ('视频监控录像丢失', '地下车库3号摄像头昨晚录像缺失4小时'),
        ('消防联动系统通讯故障', '消防主机与联动控制器通讯中断'),
        ('备份作业连续失败', '核心数据库备份作业连续两天失败'),
        ('监控大屏无数据显示', '运维监控大屏各面板显示“无数据”'),
    ],
}
SD_LEVELS = {
    'software': (['medium', 'low', 'high'], [5, 3, 2]),
    'machine_room': (['high', 'medium'], [6, 4]),
    'network': (['high', 'medium', 'low'], [4, 4, 2]),
    'automation': (['medium', 'low', 'high'], [5, 3, 2]),
}
SD_RESOLUTIONS = {
    'software': [
        '清理浏览器缓存并重置客户端配置后恢复正常',
        '应用服务器连接池耗尽，重启应用服务并调大连接池',
        '重新安装客户端组件并修复注册表项',
        '数据库存在长事务锁，经确认后终止会话，业务恢复',
        '回滚有问题的系统补丁，文档可正常打开',
    ],
    'machine_room': [
        '更换故障部件后设备运行正常，告警消除',
        '清洗空调冷凝器、补充冷媒，温度恢复正常',
        '更换故障硬盘，RAID重建完成',
        '恢复PDU供电并检查负载，柜内设备双路供电正常',
    ],
    'network': [
        '更换故障光模块，端口恢复up',
        '调整无线信道与功率，终端连接稳定',
        '修正防火墙策略并确认业务访问正常',
        '运营商修复线路故障，专线恢复',
        '刷新DNS缓存并更正解析记录',
    ],
    'automation': [
        '重启采集服务器上的采集进程，数据恢复上报',
        '更换读卡器模块，门禁恢复',
        '修复巡检脚本中的路径配置，任务重新执行成功',
        '调整告警阈值并清除误报',
    ],
}
INTERNAL_UNITS = ['财务部', '人力资源部', '市场部', '行政部', '法务部', '研发中心', '总经理办公室', '采购部']
CALLBACK_COMMENTS = ['处理及时，很满意', '工程师态度很好', '希望下次响应再快一点', '问题已解决，感谢', '']
SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕'
GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明', '超', '霞', '平']
GIVEN += ['刚', '建华', '文', '晨', '浩', '思远', '子涵', '雨桐', '志强', '海燕', '佳琪', '俊杰']
VISIT_PURPOSES = [
    '考察机房环境与安全管理，评估服务器托管扩容方案',
    '新客户选型考察，了解机房供电、制冷与网络冗余',
    '等级保护测评前现场检查，核对机柜与线缆标识',
    '年度供应商审计，检查机房管理制度执行情况',
    '领导视察托管设备运行情况',
    '技术交流，了解监控中心运维流程',
]
VISIT_AREAS = {
    'machine_room': '机房',
    'power_room': '配电室',
    'network_room': '网络间',
    'monitoring_center': '监控中心',
}


@dataclass
class Directory:
    """The demo's people and reference rows, looked up by their stable keys."""

    users: dict[str, User]
    teams: dict[str, Team]
    customers: dict[str, Customer]
    contacts: dict[str, list[Contact]] = field(default_factory=dict)


# --- reference data --------------------------------------------------------------------------------
def _sync_users(units: dict[str, OrgUnit], customers: dict[str, Customer]) -> dict[str, User]:
    roles = {r.key: r for r in Role.objects.all()}
    users = {}
    for index, account in enumerate(ACCOUNTS):
        user = User.objects.filter(username=account.username).first() or User(username=account.username)
        user.display_name = account.display_name
        user.last_name, user.first_name = account.display_name[0], account.display_name[1:]
        user.email = f'{account.username}@{EMAIL_DOMAIN}'
        user.phone = f'1380571{index:04d}'
        user.org_unit = units.get(account.unit) if account.unit else None
        user.customer = customers.get(account.customer) if account.customer else None
        user.is_superuser = user.is_staff = account.superuser
        user.is_active = True
        if not user.password:
            user.set_unusable_password()  # replaced by the shared demo hash in set_demo_passwords()
        user.save()
        user.roles.set([roles[key] for key in account.roles])
        users[account.username] = user
    return users


def _sync_org(users: dict[str, User] | None) -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    for code, name, kind, parent, head in ORG_UNITS:
        unit, _created = OrgUnit.objects.get_or_create(code=code, defaults={'name': name, 'kind': kind})
        unit.name, unit.kind, unit.parent = name, kind, units.get(parent) if parent else None
        unit.head = users.get(head) if users else unit.head
        unit.save()
        units[code] = unit
    return units


def _sync_customers() -> tuple[dict[str, Customer], dict[str, list[tuple[str, str, str | None]]]]:
    levels = {}
    for key, name, rank in LEVELS:
        levels[key], _created = CustomerLevel.objects.update_or_create(key=key, defaults={'name': name, 'rank': rank})
    customers, contact_specs = {}, {}
    for index, (code, name, short, level, address, contacts) in enumerate(CUSTOMERS):
        customers[code], _created = Customer.objects.update_or_create(
            code=code,
            defaults={
                'name': name,
                'short_name': short,
                'level': levels[level],
                'address': address,
                'phone': f'0571-8866{index:04d}',
                'is_active': True,
            },
        )
        contact_specs[code] = contacts
    return customers, contact_specs


def _sync_contacts(customers, contact_specs, users) -> dict[str, list[Contact]]:
    out: dict[str, list[Contact]] = {}
    serial = 0
    for code, specs in contact_specs.items():
        out[code] = []
        for position, (name, title, username) in enumerate(specs):
            serial += 1
            contact, _created = Contact.objects.update_or_create(
                customer=customers[code],
                name=name,
                defaults={
                    'title': title,
                    'phone': f'1390571{serial:04d}',
                    'email': f'contact{serial}@{code}.example',
                    'user': users.get(username) if username else None,
                    'is_primary': position == 0,
                },
            )
            out[code].append(contact)
    return out


def _sync_teams(units: dict[str, OrgUnit], users: dict[str, User]) -> dict[str, Team]:
    teams = {}
    for key, name, lead, members in TEAMS:
        team, _created = Team.objects.update_or_create(
            key=key,
            defaults={
                'name': name,
                'org_unit': units[TEAM_UNITS.get(key, 'ops')],
                'duty_lead': users[lead],
                'email': f'{key}@{EMAIL_DOMAIN}',
                'is_active': True,
            },
        )
        team.members.add(*[users[m] for m in members])
        teams[key] = team
    return teams


def _sync_categories(teams: dict[str, Team]) -> None:
    for key, name, team in CATEGORIES:
        Category.objects.update_or_create(key=key, defaults={'name': name, 'parent': None, 'default_team': teams[team]})


def sync_reference_data() -> Directory:
    """Create or update the org tree, accounts, teams, customers, contacts and categories (idempotent)."""
    units = _sync_org(None)
    customers, contact_specs = _sync_customers()
    users = _sync_users(units, customers)
    _sync_org(users)  # second pass: unit heads exist now
    # Fresh instances: the ones above cache their units as they were before the heads were set.
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES).select_related('org_unit')}
    for code, customer in customers.items():
        customer.account_manager = users[ACCOUNT_MANAGERS[code]]
        customer.save(update_fields=['account_manager'])
    contacts = _sync_contacts(customers, contact_specs, users)
    teams = _sync_teams(units, users)
    _sync_categories(teams)
    return Directory(users=users, teams=teams, customers=customers, contacts=contacts)


def set_demo_passwords(password: str) -> int:
    """Give every demo account ``password`` (hashed once: argon2 is deliberately slow). Returns the count."""
    return User.objects.filter(username__in=DEMO_USERNAMES).update(password=make_password(password))


# --- tickets ---------------------------------------------------------------------------------------
class Story:
    """One ticket's life: a clock that moves forward and stops before "now", plus the seeded randomness."""

    def __init__(self, rng: random.Random, start: dt.datetime, now: dt.datetime):
        self.rng, self.at, self.now = rng, start, now

    def advance(self, low_minutes: int, high_minutes: int) -> bool:
        """Move the clock on; False (and the story ends) if that would pass the present."""
        step = dt.timedelta(minutes=self.rng.randint(low_minutes, high_minutes))
        if self.at + step >= self.now:
            return False
        self.at += step
        return True


def _creation_times(rng: random.Random, count: int, now: dt.datetime) -> list[dt.datetime]:
    """``count`` moments over the last DAYS days, mostly in office hours (Asia/Shanghai), oldest first."""
    tz = timezone.get_default_timezone()
    today = timezone.localdate(now)
    times = []
    for _i in range(count):
        day = today - dt.timedelta(days=rng.randrange(DAYS))
        hour = rng.choice([8, 9, 9, 10, 10, 11, 13, 14, 14, 15, 16, 17]) if rng.random() < 0.9 else rng.randrange(24)
        moment = dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=tz)
        times.append(min(moment, now - dt.timedelta(minutes=rng.randint(5, 90))))
    return sorted(times)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _phone(rng: random.Random) -> str:
    return f'1{rng.choice(["38", "39", "58", "86", "37"])}{rng.randrange(10**8):08d}'


# A few tickets are sent to each non-final state on purpose, so that every queue and state has examples.
_DISPATCHED = ['classify', 'dispatch']
SD_FORCED = {
    'new': [],
    'phone_support': ['classify'],
    'dispatched': _DISPATCHED,
    'in_progress': [*_DISPATCHED, 'assign_engineer'],
    'onsite': [*_DISPATCHED, 'assign_engineer', 'go_onsite'],
    'fixed': [*_DISPATCHED, 'assign_engineer', 'fixed_remotely'],
    'callback': ['classify', 'resolve_by_phone'],
    'review': ['classify', 'resolve_by_phone', 'record_callback'],
    'cancelled': ['cancel'],
}
VISIT_FORCED = ('submitted', 'returned', 'awaiting_approval', 'scheduled', 'rejected', 'cancelled')


def _sd_plan(rng: random.Random, recent: bool, force: str | None = None) -> list[str]:
    """The steps an IT service desk event takes (SD-01..05); recent tickets may stop anywhere on the way."""
    if force:
        return SD_FORCED[force]
    if rng.random() < 0.06:
        return rng.choice([['cancel'], ['classify', 'cancel']])
    route = rng.choices(['phone', 'remote', 'onsite'], weights=[35, 40, 25])[0]
    plan = ['classify']
    if route == 'phone':
        plan.append('resolve_by_phone')
    else:
        plan.append('dispatch')
        if rng.random() < 0.08:
            plan[-1:] = ['misdispatch', 'return_to_desk', 'dispatch']
        plan.append('assign_engineer')
        plan += ['fixed_remotely'] if route == 'remote' else ['go_onsite', 'complete_onsite']
        plan.append('duty_lead_report')
        if rng.random() < 0.06:
            plan += ['reopen', 'assign_engineer', 'fixed_remotely', 'duty_lead_report']
    plan += ['callback_failed' if rng.random() < 0.1 else 'record_callback', 'archive']
    if recent and rng.random() < 0.85:
        return plan[: rng.randrange(len(plan) + 1)]
    if not recent and rng.random() < 0.04:
        return plan[:-1]  # checked and waiting to be archived
    return plan


# How long each step takes after the previous one, in minutes (low, high).
SD_DELAYS = {
    'classify': (1, 10),
    'cancel': (3, 30),
    'resolve_by_phone': (5, 40),
    'misdispatch': (5, 20),
    'return_to_desk': (10, 60),
    'dispatch': (5, 20),
    'assign_engineer': (5, 45),
    'fixed_remotely': (20, 240),
    'go_onsite': (15, 90),
    'complete_onsite': (60, 360),
    'duty_lead_report': (10, 90),
    'reopen': (60, 600),
    'record_callback': (120, 1440),
    'callback_failed': (240, 2880),
    'archive': (60, 2880),
}


class TicketFactory:
    """Files and moves demo tickets through the actions only."""

    def __init__(self, directory: Directory, rng: random.Random, now: dt.datetime):
        self.d, self.rng, self.now = directory, rng, now
        self.u = directory.users

    # --- IT service desk events (sd_event) ---------------------------------------------------------
    def sd_event(self, created: dt.datetime, force: str | None = None) -> Ticket:
        rng = self.rng
        category = rng.choices(list(SD_TOPICS), weights=[40, 25, 25, 10])[0]
        title, symptom = rng.choice(SD_TOPICS[category])
        customer = contact = requester = None
        unit = rng.choice(INTERNAL_UNITS)
        if rng.random() < 0.35:
            code = rng.choices([c[0] for c in CUSTOMERS], weights=[5, 4, 5, 3, 2, 2])[0]
            customer = self.d.customers[code]
            contact = rng.choice(self.d.contacts[code])
            requester, unit = contact.user, customer.short_name
        reporter = contact.name if contact else _person(rng)
        actor = self.u[rng.choice(['agent', 'agent', 'agent2', 'acceptance'])]
        occurred = created - dt.timedelta(minutes=rng.randint(5, 180))
        ticket = do_create_ticket(
            'sd_event',
            actor=actor,
            title=title if customer is None else f'{customer.short_name}：{title}',
            description=f'{unit}{reporter}来电反映：{symptom}。',
            customer=customer,
            contact=contact,
            requester=requester,
            channel=rng.choice(['phone', 'phone', 'phone', 'email']),
            values={
                'reporter_unit': unit,
                'reporter_name': reporter,
                'reporter_phone': contact.phone if contact else _phone(rng),
                'occurred_at': occurred,
                'symptom': symptom,
            },
            at=created,
        )
        story = Story(rng, created, self.now)
        # The work order PDFs (~0.4 s each, SD-05) are made for the last days' onsite repairs only.
        state = {'category': category, 'actor': actor, 'onsite': False, 'recent': self.now - created < PDF_RECENT}
        for step in _sd_plan(rng, recent=self.now - created < RECENT, force=force):
            if not story.advance(*SD_DELAYS[step]):
                break
            ticket = self._sd_step(ticket, step, story, state)
            self._maybe_comment(ticket, story)
        return ticket

    def _sd_step(self, ticket: Ticket, step: str, story: Story, state: dict) -> Ticket:
        """Take one step of the sd_event process as the person who would take it."""
        rng, at = self.rng, story.at
        category = state['category']
        lead = ticket.team.duty_lead if ticket.team_id else None
        match step:
            case 'classify':
                levels, weights = SD_LEVELS[category]
                values = {
                    'category': category,
                    'urgency': rng.choices(levels, weights)[0],
                    'impact': rng.choices(levels, weights)[0],
                }
                return do_transition(ticket, 'classify', actor=state['actor'], values=values, at=at)
            case 'cancel':
                reason = rng.choice(
                    ['重复报修，已合并至前一工单。', '用户误报，经电话确认设备正常。', '用户撤回报修。']
                )
                return do_transition(ticket, 'cancel', actor=state['actor'], comment=reason, at=at)
            case 'resolve_by_phone':
                values = {'handling_mode': 'phone', 'resolution': rng.choice(SD_RESOLUTIONS[category])}
                return do_transition(ticket, 'resolve_by_phone', actor=state['actor'], values=values, at=at)
            case 'misdispatch':
                wrong = rng.choice([c for c in SD_TOPICS if c != category])
                return do_transition(ticket, 'dispatch', actor=state['actor'], values={'category': wrong}, at=at)
            case 'return_to_desk':
                comment = '经判断不属于本组处理范围，退回服务台重新分类。'
                return do_transition(ticket, 'return_to_desk', actor=lead, comment=comment, at=at)
            case 'dispatch':
                return do_transition(ticket, 'dispatch', actor=state['actor'], values={'category': category}, at=at)
            case 'assign_engineer':
                engineers = [m for m in ticket.team.members.order_by('pk') if m.pk != ticket.team.duty_lead_id]
                engineer = rng.choice(engineers or [lead])
                return do_transition(ticket, 'assign_engineer', actor=lead, values={'engineer': engineer.pk}, at=at)
        return self._sd_step_resolve(ticket, step, story, state)

    def _sd_step_resolve(self, ticket: Ticket, step: str, story: Story, state: dict) -> Ticket:
        """The engineer's, the duty lead's and the desk's steps after dispatch (SD-04, SD-05)."""
        rng, u, at = self.rng, self.u, story.at
        resolution = rng.choice(SD_RESOLUTIONS[state['category']])
        lead = ticket.team.duty_lead if ticket.team_id else None
        desk = u[rng.choice(['agent', 'agent2', 'callback'])]
        match step:
            case 'fixed_remotely':
                values = {'handling_mode': rng.choice(['phone', 'remote']), 'resolution': resolution}
                values['fault_cause'] = resolution.split('，')[0]
                return do_transition(ticket, 'fixed_remotely', actor=ticket.assignee, values=values, at=at)
            case 'go_onsite':
                state['onsite'] = True
                values = {'remote_steps': '已远程登录检查设备状态，并尝试重启相关服务。'}
                values['remote_failure_reason'] = rng.choice(
                    ['重启后故障依旧，判断为硬件故障，需到现场处理。', '设备已无法远程登录，需到现场检查。']
                )
                values['repair_unit'] = f'运维中心{ticket.team.name}'
                if state['recent']:
                    return do_transition(ticket, 'go_onsite', actor=ticket.assignee, values=values, at=at)
                from gongdan.repairs.actions import without_work_order_pdfs

                with without_work_order_pdfs():
                    return do_transition(ticket, 'go_onsite', actor=ticket.assignee, values=values, at=at)
            case 'complete_onsite':
                return self._complete_onsite(ticket, at)
            case 'duty_lead_report':
                values = {
                    'fault_cause': resolution.split('，')[0],
                    'recovery_time': at - dt.timedelta(minutes=rng.randint(5, 30)),
                    'handler': ticket.assignee_id,
                    'repair_result': '故障已排除，业务恢复正常。',
                }
                if state['onsite']:
                    values['departure_time'] = at - dt.timedelta(minutes=rng.randint(200, 400))
                    values['arrival_time'] = values['departure_time'] + dt.timedelta(minutes=rng.randint(10, 40))
                return do_transition(ticket, 'duty_lead_report', actor=lead, values=values, at=at)
            case 'reopen':
                comment = '回访时客户反映问题再次出现，重新派发处理。'
                return do_transition(ticket, 'reopen', actor=desk, comment=comment, at=at)
            case 'record_callback':
                rating = rng.choices(['good', 'fair', 'poor'], weights=[80, 17, 3])
                values = {
                    'callback_quality': rating[0],
                    'callback_attitude': rng.choices(['good', 'fair'], weights=[9, 1])[0],
                    'callback_recovery': rating[0],
                    'satisfaction': {'good': rng.choice([4, 5, 5]), 'fair': 3, 'poor': 2}[rating[0]],
                    'callback_comment': rng.choice(CALLBACK_COMMENTS),
                }
                return do_transition(ticket, 'record_callback', actor=desk, values=values, at=at)
            case 'callback_failed':
                values = {'callback_failed_reason': rng.choice(['客户电话连续三次无人接听', '报修人已离职，无法联系'])}
                return do_transition(ticket, 'callback_failed', actor=desk, values=values, at=at)
            case 'archive':
                return do_transition(ticket, 'archive', actor=u['agent'], at=at)
        raise ValueError(f'unknown demo step {step!r}')

    def _complete_onsite(self, ticket: Ticket, at: dt.datetime) -> Ticket:
        """SD-04/SD-05: the customer signs the work order — on the engineer's tablet (a few) or on the printed
        copy, whose scan is registered on return — and only then is the onsite work completed."""
        from gongdan.repairs.actions import do_sign_work_order
        from gongdan.workflow.actions import do_transition_with_uploads

        from .demo_repairs import signature_png, signed_scan

        rng, form = self.rng, self._repair_form(ticket, at)
        signer = ticket.data.get('reporter_name') or '客户'
        if ticket.data.get('work_order') and rng.random() < 0.3:
            do_sign_work_order(
                ticket, actor=ticket.assignee, image=signature_png(rng), signer=signer, at=at - dt.timedelta(minutes=8)
            )
            return do_transition(ticket, 'complete_onsite', actor=ticket.assignee, values=form, at=at)
        uploads = {'signed_form': [signed_scan(rng, ticket.number)]}
        return do_transition_with_uploads(
            ticket, 'complete_onsite', actor=ticket.assignee, uploads=uploads, values=form, at=at
        )

    def _repair_form(self, ticket: Ticket, at: dt.datetime) -> dict:
        """The repair/maintenance form (维修维护单, SD-04) of an onsite repair."""
        rng = self.rng
        values = {
            'repair_unit': f'运维中心{ticket.team.name}',
            'repair_time': at - dt.timedelta(minutes=rng.randint(30, 120)),
            'repair_kind': rng.choices(['fault_repair', 'maintenance'], weights=[8, 2])[0],
            'equipment_description': ticket.data.get('symptom', ''),
            'handling': rng.choice(SD_RESOLUTIONS[ticket.category or 'machine_room']),
            'test_result': 'normal',
            'repair_remarks': '客户已在维修维护单上签字确认。',
        }
        if rng.random() < 0.6:
            part = rng.choice(
                [('硬盘', 'ST2000NM0055', '块'), ('光模块', 'SFP-10G-SR', '个'), ('电源模块', 'PSU-750W', '个')]
            )
            values['parts'] = [{'name': part[0], 'model': part[1], 'unit': part[2], 'quantity': rng.randint(1, 2)}]
        return values

    def _maybe_comment(self, ticket: Ticket, story: Story) -> None:
        """Now and then a customer asks for progress, or an engineer leaves an internal note."""
        rng = self.rng
        if rng.random() > 0.12 or not ticket.is_open or not story.advance(1, 30):
            return
        if ticket.requester_id and ticket.requester.customer_id and rng.random() < 0.6:
            do_add_comment(ticket, actor=ticket.requester, body='请问目前处理进度如何？业务比较着急。', at=story.at)
        elif ticket.assignee_id:
            note = rng.choice(
                ['已联系报修人，约定下午上门。', '已远程查看日志，初步判断为配置问题。', '备件已申请，等待到货。']
            )
            do_add_comment(ticket, actor=ticket.assignee, body=note, is_internal=True, at=story.at)
        else:
            do_add_comment(ticket, actor=self.u['agent'], body='已电话告知客户正在处理中。', at=story.at)

    # --- customer visit requests (idc_visit, IDC-04) -----------------------------------------------
    def idc_visit(self, created: dt.datetime, force: str | None = None) -> Ticket:
        rng, u = self.rng, self.u
        code = rng.choices([c[0] for c in CUSTOMERS], weights=[3, 3, 5, 3, 1, 1])[0]
        customer = self.d.customers[code]
        count = rng.choices(range(1, 9), weights=[10, 20, 20, 12, 10, 8, 4, 2])[0]
        count = {'awaiting_approval': 5, 'rejected': 6, 'scheduled': 2}.get(force, count)
        areas = sorted(rng.sample(list(VISIT_AREAS), rng.randint(1, 3)), key=list(VISIT_AREAS).index)
        visit_at = timezone.localtime(created).replace(hour=rng.choice([10, 14, 15]), minute=rng.choice([0, 30]))
        visit_at += dt.timedelta(days=rng.randint(1, 7))
        if force == 'scheduled':
            visit_at = max(visit_at, timezone.localtime(self.now).replace(hour=10, minute=0) + dt.timedelta(days=2))
        names = [
            f'{_person(rng)}（{customer.short_name}，身份证号后四位{rng.randrange(10**4):04d}）' for _i in range(count)
        ]
        ticket = do_create_ticket(
            'idc_visit',
            actor=u['presales'],
            title=f'{customer.short_name}{count}人参观{"、".join(VISIT_AREAS[a] for a in areas)}',
            description=f'{customer.short_name}申请参观，联系人：{self.d.contacts[code][0].name}。',
            customer=customer,
            contact=self.d.contacts[code][0],
            channel='internal',
            values={
                'visit_at': visit_at,
                'visitor_count': count,
                'visitor_names': '\n'.join(names),
                'purpose': rng.choice(VISIT_PURPOSES),
                'areas': areas,
            },
            at=created,
        )
        story = Story(rng, created, self.now)
        recent = self.now - created < RECENT
        waiting = force == 'submitted' or (not force and rng.random() < (0.3 if recent else 0.06))
        if waiting or not story.advance(10, 180):
            return ticket  # still waiting for the service center's check
        if force == 'returned' or (not force and rng.random() < 0.1):
            agent = u[rng.choice(['agent', 'agent2'])]
            comment = '参观人员证件信息不全，请补充后重新提交。'
            ticket = do_transition(ticket, 'return_incomplete', actor=agent, comment=comment, at=story.at)
            if force or (recent and rng.random() < 0.5) or not story.advance(60, 1440):
                return ticket
            values = {'visitor_names': ticket.data['visitor_names'].replace('后四位', '号码后四位')}
            ticket = do_transition(ticket, 'resubmit', actor=u['presales'], values=values, at=story.at)
            if not story.advance(10, 120):
                return ticket
        return self._visit_decide(ticket, story, count, visit_at, force)

    def _visit_decide(
        self, ticket: Ticket, story: Story, count: int, visit_at: dt.datetime, force: str | None
    ) -> Ticket:
        """The service center forwards it (at most three visitors) or asks the superior (IDC-04)."""
        rng, u = self.rng, self.u
        agent = u[rng.choice(['agent', 'agent2'])]
        if force == 'cancelled' or (not force and rng.random() < 0.07):
            comment = rng.choice(['客户行程变更，取消参观。', '客户改为线上交流，取消参观。'])
            return do_transition(ticket, 'cancel', actor=agent, comment=comment, at=story.at)
        if count <= 3:
            ticket = do_transition(ticket, 'forward_to_ops', actor=agent, at=story.at)
        else:
            ticket = do_transition(ticket, 'request_approval', actor=agent, at=story.at)
            undecided = force == 'awaiting_approval' or (
                not force and self.now - story.at < RECENT and rng.random() < 0.3
            )
            if undecided or not story.advance(20, 600):
                return ticket  # the superior has not decided yet
            request = ticket.approvals.get(status=ApprovalStatus.PENDING)
            approve = force != 'rejected' and (force is not None or rng.random() < 0.85)
            comment = '' if approve else '近期机房在进行改造施工，参观人数过多存在安全隐患，请控制在三人以内。'
            superior = request.tasks.get().approver
            do_decide_approval(request, actor=superior, approve=approve, comment=comment, at=story.at)
            ticket.refresh_from_db()
            if not approve:
                return ticket
        done = visit_at + dt.timedelta(minutes=rng.randint(60, 150))
        if done >= self.now or done <= story.at:
            return ticket
        story.at = done
        values = {
            'escort': u[rng.choice(['engineer', 'mr_eng'])].pk,
            'visit_notes': '参观按计划完成，全程陪同，未进入客户机柜区域。',
        }
        return do_transition(ticket, 'record_visit', actor=ticket.team.duty_lead, values=values, at=done)


def build_tickets(directory: Directory, *, now: dt.datetime | None = None, seed: int = SEED) -> Counter:
    """File SD_TICKETS service desk events and VISIT_TICKETS visit requests over the last DAYS days."""
    now = now or timezone.now()
    rng = random.Random(seed)  # noqa: S311 (reproducible demo data, not security)
    factory = TicketFactory(directory, rng, now)
    kinds = ['sd_event'] * SD_TICKETS + ['idc_visit'] * VISIT_TICKETS
    rng.shuffle(kinds)
    forced = {'sd_event': list(SD_FORCED), 'idc_visit': list(VISIT_FORCED)}
    states: Counter = Counter()
    for kind, created in zip(kinds, _creation_times(rng, len(kinds), now), strict=True):
        # The first tickets of the last two weeks (but older than three days) cover every state once.
        age = now - created
        force = forced[kind].pop(0) if forced[kind] and dt.timedelta(days=3) < age < RECENT else None
        ticket = factory.sd_event(created, force) if kind == 'sd_event' else factory.idc_visit(created, force)
        states[(kind, ticket.state)] += 1
    return states


def ensure_processes() -> None:
    """The demo needs the shipped processes; load the process files if they are not in the database yet."""
    keys = ['sd_event', 'idc_visit', 'crc_fault', 'crc_provisioning']
    if Process.objects.filter(key__in=keys, current_version__isnull=False).count() < len(keys):
        do_sync_processes()


@transaction.atomic
def build_demo(*, password: str = DEFAULT_PASSWORD, tickets: bool = True) -> dict:
    """Create (or bring up to date) all demo data; generate tickets only the first time. Returns a summary."""
    ensure_processes()
    directory = sync_reference_data()
    set_demo_passwords(password)
    states: Counter = Counter()
    already = Ticket.objects.filter(created_by__username__in=DEMO_USERNAMES).exists()
    if tickets and not already:
        states = build_tickets(directory)
    if tickets and not Ticket.objects.filter(process__key='crc_fault').exists():
        from .demo_crc import build_fault_tickets

        states.update(build_fault_tickets(directory))
    states.update(_complaint_demo(directory, tickets=tickets))
    if tickets:
        from .demo_service import build_service_requests  # SVC-08 / CSC-03: tiered requests, planned services

        states.update(build_service_requests(directory))
    from .demo_idc import build_idc_demo  # issue #4: the IDC machine room, racks, prefixes, servers

    build_idc_demo(directory)
    billing = build_billing_demo(directory)
    if tickets:  # issue #4 part 3: the IDC order processes (utilities/demo_provision.py), after inventory and billing
        from .demo_provision import build_provision_demo

        states.update(build_provision_demo(directory))
    if tickets:
        from .demo_idc_ops import build_idc_ops  # IDC-07..IDC-10: racking, entry, remote operations, faults

        states.update(build_idc_ops(directory))
        from .demo_redflag import build_red_flags

        states.update(build_red_flags(directory))
        from .demo_inspections import build_inspections  # SVC-11: plans and inspection rounds
        from .demo_projectdocs import build_projectdocs  # SVC-07: handovers and access requests

        states.update(build_inspections(directory))
        states.update(build_projectdocs(directory))
        from .demo_credentials import build_credentials  # SVC-01..06: the register, grants, rotations

        states.update(build_credentials(directory))
    if tickets and not Ticket.objects.filter(process__key='crc_provisioning').exists():
        from gongdan.crc.demo import build_crc_work  # CRC-04/05/08/09: checks, orders, optimizations, cutovers

        states.update(build_crc_work(directory))
    states.update(_callback_demo(directory, tickets=tickets))
    from .demo_repairs import build_knowledge  # SD-06: articles, and drafts written from solved tickets

    knowledge = build_knowledge(directory)
    from gongdan.reports.actions import do_rebuild_rollup  # the wall's daily figures at once, not after a minute

    do_rebuild_rollup()
    from gongdan.reports.demo_service import build_report_subscriptions  # SVC-09/SVC-10 reports by e-mail

    build_report_subscriptions(directory)
    return {
        'accounts': len(directory.users),
        'customers': len(directory.customers),
        'teams': len(directory.teams),
        'tickets_created': sum(states.values()),
        'states': dict(states),
        'tickets_total': Ticket.objects.count(),
        'billing': billing,
        'knowledge': dict(knowledge),
    }


def _complaint_demo(directory: Directory, *, tickets: bool) -> Counter:
    """Demo customer complaints (SVC-10) and their daily summaries, once (utilities/demo_complaints.py)."""
    if not tickets:
        return Counter()
    from .demo_complaints import build_complaints

    return build_complaints(directory)


def _callback_demo(directory: Directory, *, tickets: bool) -> Counter:
    """Demo callback campaigns (SVC-09) and service notices (SD-01), once (utilities/demo_callbacks.py)."""
    from .demo_callbacks import build_callbacks, build_notices

    build_notices(directory)
    return build_callbacks(directory) if tickets else Counter()


def build_billing_demo(directory: Directory) -> dict:
    """IDC customers' contracts, notices, payments and one customer in arrears (utilities/demo_billing.py)."""
    from .demo_billing import build_billing

    return build_billing(directory)
