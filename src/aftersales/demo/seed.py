"""Demo data for ``manage.py demo_seed``: a fictional Chinese manufacturer (澜泉电器) with three
product lines, customers across China's regions, their installed products, and three months
of work orders in every status.

Everything is generated from one ``random.Random(seed)``, so the same seed always gives the
same data. Customers, products and work orders are written through the real services, and
the whole history is replayed in time order under the demo's simulated clock (``demo/clock.py``,
scoped to the seeding thread): each timeline event, access-log row, counter number and
notification then carries the time the step "happened", and the services' own rules (no
future or naive times) still hold. Master data without services of its own (regions, the
catalogue, demo users) is written directly.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image, ImageDraw

from aftersales.accounts.models import Team, User
from aftersales.catalog.models import FaultCategory, GuidedQuestion, ProductLine, ProductModel
from aftersales.core.models import OutboxMessage, Region
from aftersales.customers.models import Contact, Customer, CustomerCategory, InstalledProduct
from aftersales.customers.services import contact_create, customer_create, installed_product_create
from aftersales.demo.clock import Clock, simulated
from aftersales.dispatch import notice_demo
from aftersales.feedback import demo as feedback_demo
from aftersales.fieldservice import appointment_demo, visit_demo
from aftersales.parts import demo as parts_demo
from aftersales.parts import property_demo
from aftersales.repairs import demo as repairs_demo
from aftersales.staff import demo as staff_demo
from aftersales.surveys import demo as surveys_demo
from aftersales.workorders import services as wo_services
from aftersales.workorders.attachments import attachment_add
from aftersales.workorders.models import Channel, Communication, WorkOrder
from aftersales.workorders.states import HandlingMode, Status

DEFAULT_SEED = 20260301
DEMO_PASSWORD = "aftersales"  # noqa: S105 — the documented demo password, printed by `make run`
FULL_CUSTOMERS = 200
FULL_PRODUCTS = 500
FULL_WORK_ORDERS = 1000
HISTORY_DAYS = 90

# --------------------------------------------------------------------------------------------
# master data
# --------------------------------------------------------------------------------------------

# region code, name, [(city prefix for addresses, phone area code, districts)]
REGIONS: list[tuple[str, str, list[tuple[str, str, list[str]]]]] = [
    (
        "east",
        "华东",
        [
            ("上海市", "021", ["浦东新区", "闵行区", "徐汇区", "杨浦区", "宝山区"]),
            ("江苏省南京市", "025", ["鼓楼区", "江宁区", "建邺区"]),
            ("浙江省杭州市", "0571", ["西湖区", "余杭区", "滨江区"]),
            ("江苏省苏州市", "0512", ["工业园区", "姑苏区", "吴中区"]),
            ("山东省济南市", "0531", ["历下区", "槐荫区"]),
        ],
    ),
    (
        "north",
        "华北",
        [
            ("北京市", "010", ["朝阳区", "海淀区", "丰台区", "通州区"]),
            ("天津市", "022", ["南开区", "河西区"]),
            ("河北省石家庄市", "0311", ["长安区", "裕华区"]),
        ],
    ),
    (
        "south",
        "华南",
        [
            ("广东省广州市", "020", ["天河区", "海珠区", "番禺区"]),
            ("广东省深圳市", "0755", ["南山区", "福田区", "宝安区"]),
            ("福建省厦门市", "0592", ["思明区", "湖里区"]),
        ],
    ),
    (
        "central",
        "华中",
        [
            ("湖北省武汉市", "027", ["武昌区", "洪山区", "江汉区"]),
            ("湖南省长沙市", "0731", ["岳麓区", "雨花区"]),
            ("河南省郑州市", "0371", ["金水区", "二七区"]),
        ],
    ),
    (
        "southwest",
        "西南",
        [
            ("四川省成都市", "028", ["武侯区", "高新区", "锦江区"]),
            ("重庆市", "023", ["渝北区", "江北区", "南岸区"]),
            ("云南省昆明市", "0871", ["五华区", "盘龙区"]),
        ],
    ),
    ("northwest", "西北", [("陕西省西安市", "029", ["雁塔区", "未央区", "碑林区"])]),
    (
        "northeast",
        "东北",
        [("辽宁省沈阳市", "024", ["和平区", "浑南区"]), ("黑龙江省哈尔滨市", "0451", ["南岗区", "道里区"])],
    ),
]
REGION_WEIGHTS = {"east": 30, "north": 18, "south": 18, "central": 12, "southwest": 12, "northwest": 5, "northeast": 5}

CATEGORIES = [("household", "家庭用户"), ("commercial", "商业客户"), ("dealer", "经销商"), ("project", "工程项目")]
CATEGORY_WEIGHTS = {"household": 70, "commercial": 14, "dealer": 8, "project": 8}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN_NAMES = [
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "志强",
    "海燕",
    "晓东",
    "文博",
    "雨欣",
    "子涵",
    "浩然",
    "思远",
    "佳怡",
    "嘉豪",
    "梓萱",
    "宇航",
    "欣怡",
    "俊杰",
    "婷婷",
    "晨曦",
    "国庆",
    "红梅",
    "建国",
    "玉兰",
    "志明",
    "春燕",
    "立新",
    "丹",
]
ROADS = [
    "人民路",
    "中山路",
    "解放路",
    "建设路",
    "和平路",
    "新华路",
    "长江路",
    "黄河路",
    "文化路",
    "青年路",
    "学府路",
    "科技路",
    "世纪大道",
    "滨江路",
    "光明路",
    "幸福路",
    "朝阳路",
    "胜利路",
]
COMPOUNDS = [
    "阳光花园",
    "翠湖苑",
    "锦绣家园",
    "金色港湾",
    "万科城",
    "碧桂园",
    "绿地中央广场",
    "保利花园",
    "恒大名都",
    "龙湖天街",
    "时代花园",
    "香榭丽舍",
]
FIRMS = [
    "华盛",
    "金鼎",
    "宏达",
    "鑫源",
    "恒通",
    "博雅",
    "东方",
    "新世纪",
    "锦江",
    "汇丰",
    "百川",
    "瑞丰",
    "中天",
    "万隆",
    "嘉和",
    "天润",
]
POSITIONS = ["总经理", "采购经理", "行政主管", "设备科长", "工程部经理", "店长", "项目经理", "物业经理"]

PREFERENCES_PERSON = [
    "家中有老人，请上午上门",
    "工作日白天家中无人，请周末上门",
    "上门前请提前一小时电话联系",
    "小区门禁需登记，请提前告知师傅姓名",
    "家中有婴儿，请勿按门铃，到楼下电话联系",
    "请穿鞋套，安装后清理现场",
    "晚上七点以后方便接听电话",
]
PREFERENCES_ORG = [
    "机房进出需办理门禁，请提前一天预约",
    "请先联系物业经理开门，周末不接待",
    "营业时间内不便维修，请在上午十点前或晚上九点后上门",
    "发票抬头与客户名称一致，维修单需盖章",
]

# line code, name, warranty months, [(model code, model name)], [(fault code, name, priority,
# [guided questions], [symptoms], [resolutions])]
PRODUCT_LINES: list[dict[str, Any]] = [
    {
        "code": "ac",
        "name": "空调",
        "warranty": 72,
        "models": [
            ("KFR-26GW/LQ1", "澜泉 大1匹 变频挂机"),
            ("KFR-35GW/LQ1", "澜泉 1.5匹 变频挂机"),
            ("KFR-35GW/LQ3", "澜泉 1.5匹 新一级能效挂机"),
            ("KFR-50LW/LQ2", "澜泉 2匹 立柜式空调"),
            ("KFR-72LW/LQ2", "澜泉 3匹 立柜式空调"),
            ("KFR-72TW/LQ5", "澜泉 3匹 风管机"),
            ("MDV-280W/LQ8", "澜泉 多联机中央空调 10匹"),
            ("KFR-120QW/LQ8", "澜泉 5匹 天花嵌入式空调"),
        ],
        "faults": [
            (
                "ac-no-cooling",
                "不制冷/不制热",
                "P2",
                ["遥控器设定的模式和温度是多少？", "室外机是否在运转？", "出现多久了，是突然还是逐渐变差？"],
                ["空调开机后不制冷，出风是常温", "制热模式下吹凉风，室外机不转", "制冷效果很差，设定16度室温降不下来"],
                ["检测为缺氟，补加冷媒并查漏，焊补室外机连接管漏点", "室外机电容损坏，更换启动电容后运行正常"],
            ),
            (
                "ac-noise",
                "噪音异常",
                "P3",
                ["开机时响还是运行中一直响？", "有无焦糊味？", "最近是否移动或重新安装过？"],
                ["室内机运行时有咔咔的异响", "室外机噪音很大，像金属摩擦声", "夜间运行嗡嗡声明显，影响休息"],
                ["室外机支架螺丝松动，紧固并加装减震垫", "贯流风叶变形，更换风叶后异响消除"],
            ),
            (
                "ac-leak",
                "漏水",
                "P2",
                ["是室内机还是室外机漏水？", "排水管是否弯折或堵塞？", "漏水时空调在制冷还是制热？"],
                ["室内机往下滴水，墙面已经湿了", "空调出风口有水珠喷出"],
                ["排水管堵塞，疏通并重新调整排水坡度", "接水盘破裂，更换接水盘"],
            ),
            (
                "ac-error-code",
                "显示故障代码",
                "P2",
                ["显示的故障代码是什么？", "断电重启后是否仍然出现？"],
                ["空调显示E1故障代码无法运行", "显示屏报F3，开机几分钟就停", "显示P4代码，室外机不启动"],
                ["室内环境温度传感器损坏，更换传感器", "主控板通讯故障，更换室外机主板"],
            ),
            (
                "ac-power",
                "无法开机/跳闸",
                "P1",
                ["是否有焦糊味或冒烟？", "家中空气开关是否跳闸？", "其他电器是否正常？"],
                ["空调一开机家里空开就跳闸", "遥控器开机没有任何反应，指示灯不亮", "开机时闻到焦糊味后停机"],
                ["压缩机绝缘不良，更换压缩机", "电源线接头烧蚀，重新压接并更换接线端子"],
            ),
        ],
    },
    {
        "code": "water-heater",
        "name": "热水器",
        "warranty": 36,
        "models": [
            ("JSQ25-13LQ1", "澜泉 13升 燃气热水器"),
            ("JSQ30-16LQ3", "澜泉 16升 零冷水燃气热水器"),
            ("JSQ32-18LQ5", "澜泉 18升 恒温燃气热水器"),
            ("DSZF-60LQ2", "澜泉 60升 电热水器"),
            ("DSZF-80LQ2", "澜泉 80升 速热电热水器"),
            ("KF70-200LQ", "澜泉 200升 空气能热水器"),
        ],
        "faults": [
            (
                "wh-no-ignition",
                "不点火/不出热水",
                "P2",
                ["燃气阀门是否打开？", "打开热水时能否听到点火声？", "其他燃气灶具是否正常？"],
                ["打开热水龙头热水器不点火", "热水器点火后几秒就熄灭", "冬天洗澡出水一直是凉的"],
                ["点火针积碳，清洁点火针并调整间距", "水流传感器故障，更换水流传感器"],
            ),
            (
                "wh-gas-smell",
                "燃气异味",
                "P1",
                ["是否已关闭燃气阀门并开窗通风？", "关闭后异味是否仍然存在？"],
                ["热水器附近闻到明显的燃气味", "使用热水器时厨房有煤气味"],
                ["燃气进气接口密封圈老化，更换密封圈并检漏合格"],
            ),
            (
                "wh-leak",
                "漏水",
                "P2",
                ["漏水位置在机器底部还是接口处？", "是否已关闭进水阀？"],
                ["电热水器底部一直滴水", "热水器进水接口处漏水"],
                ["内胆法兰密封圈老化，更换密封圈", "进水接口生料带失效，重新密封"],
            ),
            (
                "wh-temperature",
                "水温不稳定",
                "P3",
                ["是忽冷忽热还是温度达不到设定值？", "家中水压是否正常？"],
                ["洗澡时水温忽冷忽热", "设定50度实际出水只有三十多度"],
                ["比例阀调节异常，重新校准并更换比例阀", "进水过滤网堵塞导致水流不稳，清洗过滤网"],
            ),
            (
                "wh-leakage-trip",
                "漏电保护跳闸",
                "P1",
                ["漏电保护插头是否跳开？", "使用时是否有麻手感？"],
                ["电热水器漏电保护插头频繁跳闸", "洗澡时感觉水有点麻手"],
                ["加热管绝缘损坏，更换加热管并检测绝缘合格", "接地线断开，重新接地"],
            ),
        ],
    },
    {
        "code": "purifier",
        "name": "净水器",
        "warranty": 24,
        "models": [
            ("LQ-RO600G", "澜泉 600G 反渗透净水器"),
            ("LQ-RO800G", "澜泉 800G 厨下净水器"),
            ("LQ-RO1000G", "澜泉 1000G 商用净水器"),
            ("LQ-QZ40", "澜泉 前置过滤器"),
            ("LQ-GX12", "澜泉 壁挂管线机"),
            ("LQ-RS15", "澜泉 中央软水机"),
        ],
        "faults": [
            (
                "wp-slow-flow",
                "出水慢/不出水",
                "P2",
                ["滤芯上次更换是什么时候？", "进水阀是否打开？", "停水后是否刚恢复供水？"],
                ["净水器出水越来越小", "净水器完全不出水，指示灯一直闪烁"],
                ["RO膜堵塞，更换RO膜滤芯", "增压泵损坏，更换增压泵"],
            ),
            (
                "wp-leak",
                "漏水",
                "P1",
                ["漏水位置在主机还是管路接口？", "是否已关闭进水阀？"],
                ["厨下净水器漏水，橱柜里都是水", "前置过滤器瓶体接口渗水"],
                ["快接头卡扣断裂，更换快接头", "滤瓶密封圈移位，重新安装密封圈"],
            ),
            (
                "wp-filter",
                "滤芯更换提醒",
                "P3",
                ["提醒的是哪一级滤芯？", "是否需要上门更换？"],
                ["净水器提示更换PP棉滤芯", "滤芯寿命指示灯变红"],
                ["上门更换PP棉及活性炭滤芯，复位滤芯寿命"],
            ),
            (
                "wp-water-quality",
                "水质异味",
                "P2",
                ["出水是否有异味或颜色？", "安装后多久出现的？", "TDS值是多少？"],
                ["净水器出水有怪味", "新装净水器出水发白浑浊"],
                ["后置活性炭滤芯失效，更换滤芯并冲洗管路", "新机冲洗不充分，指导客户冲洗后水质正常"],
            ),
            (
                "wp-noise",
                "噪音/频繁启停",
                "P3",
                ["不用水时是否也会启动？", "响声持续多久？"],
                ["净水器半夜不用水也会自己启动", "制水时嗡嗡声很大"],
                ["高压开关失灵，更换高压开关", "增压泵减震垫脱落，重新固定"],
            ),
        ],
    },
]

DEMANDS = [
    "尽快上门维修",
    "希望周末上门",
    "希望本周内解决",
    "电话指导即可",
    "要求更换新机",
    "希望上午上门",
    "请提前电话联系",
    "",
]
NOTES = [
    "已与客户电话联系，预约明天上午上门",
    "客户要求改约到周末，已重新预约",
    "已向客户说明初步判断，需上门检测",
    "已告知客户所需备件及费用，客户同意",
]
WAIT_CUSTOMER = ["客户出差，约定下周回来后上门", "客户需确认是否接受付费维修", "需客户提供购机发票确认保修"]
WAIT_PARTS = ["需更换主板，已申请备件，预计3天到货", "需更换压缩机，备件从总部调拨中", "滤芯缺货，等待仓库补货"]
CLOSE_WITHOUT_CONFIRMATION = "三次电话回访客户均未接听，已发短信告知，按规定结案"
REOPEN_REASONS = ["客户反映问题再次出现", "客户来电称维修后故障依旧"]


@dataclass
class Login:
    username: str
    role: str
    display_name: str


# The demo logins: (username, group, display name, superuser)
DEMO_USERS: list[tuple[str, str, str, bool]] = [
    ("admin", "admin", "系统管理员", True),
    ("agent", "agent", "客服 王芳", False),
    ("dispatcher", "dispatcher", "派单员 李强", False),
    ("tech", "technician", "工程师 张伟", False),
    ("supervisor", "supervisor", "主管 陈静", False),
    ("qa", "qa", "质检 刘洋", False),
    ("executive", "executive", "总经理 赵建国", False),
    ("customer", "customer", "", False),
]
# More staff, so that assignment is realistic: (username, group, display name, region code)
MORE_STAFF: list[tuple[str, str, str, str]] = [
    ("agent2", "agent", "客服 孙丽", ""),
    ("agent3", "agent", "客服 周敏", ""),
    ("expert", "expert", "技术支持 吴志明", ""),
    ("tech2", "technician", "工程师 郑磊", "east"),
    ("tech3", "technician", "工程师 马超", "north"),
    ("tech4", "technician", "工程师 黄俊杰", "north"),
    ("tech5", "technician", "工程师 林涛", "south"),
    ("tech6", "technician", "工程师 何勇", "south"),
    ("tech7", "technician", "工程师 罗军", "central"),
    ("tech8", "technician", "工程师 唐浩然", "southwest"),
    ("tech9", "technician", "工程师 韩立新", "northwest"),
    ("tech10", "technician", "工程师 冯刚", "northeast"),
]
TECH_REGION = {"tech": "east"}


@dataclass
class SeedResult:
    logins: list[Login]
    counts: dict[str, int]
    seconds: float


def database_has_data() -> bool:
    return Customer.objects.exists() or WorkOrder.objects.exists()


# --------------------------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    """One work order: what to create and the steps that bring it to its target status."""

    customer: Customer
    product: InstalledProduct | None
    target: str
    received_at: dt.datetime
    steps: list[tuple[dt.datetime, Callable[[], object]]] = field(default_factory=list)
    work_order_id: int = 0


class _Generator:
    def __init__(self, *, scale: float, seed: int, now: dt.datetime) -> None:
        self.rng = random.Random(seed)  # noqa: S311 — deterministic demo data, not security
        self.now = now
        self.n_customers = max(8, round(FULL_CUSTOMERS * scale))
        self.n_products = max(self.n_customers, round(FULL_PRODUCTS * scale))
        self.n_work_orders = max(20, round(FULL_WORK_ORDERS * scale))
        self.clock = Clock(now - dt.timedelta(days=HISTORY_DAYS + 10))
        self.users: dict[str, User] = {}
        self.logins: list[Login] = []
        self.regions: dict[str, Region] = {}
        self.categories: dict[str, CustomerCategory] = {}
        self.faults: dict[str, list[tuple[FaultCategory, list[str], list[str]]]] = {}
        self.models: list[ProductModel] = []
        self.customers: list[Customer] = []
        self.products_of: dict[int, list[InstalledProduct]] = {}
        self.city_of: dict[int, str] = {}
        self.demo_customer: Customer | None = None
        self.teams: dict[str, Team] = {}
        self.contact_of: dict[int, int] = {}
        self.password_hash = ""

    # ---- helpers ------------------------------------------------------------------------

    def tick(self, seconds: float = 1.0) -> None:
        self.clock.at += dt.timedelta(seconds=seconds)

    def person_name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)

    def mobile(self) -> str:
        return (
            "1"
            + self.rng.choice(["38", "39", "35", "36", "37", "50", "58", "86", "88", "89"])
            + f"{self.rng.randrange(10**8):08d}"
        )

    def weighted(self, weights: dict[str, int]) -> str:
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    # ---- master data --------------------------------------------------------------------

    def seed_master_data(self) -> None:
        for code, name, _cities in REGIONS:
            self.regions[code], _ = Region.objects.get_or_create(code=code, defaults={"name": name})
        for code, name in CATEGORIES:
            self.categories[code], _ = CustomerCategory.objects.get_or_create(code=code, defaults={"name": name})
        for line_data in PRODUCT_LINES:
            line, _ = ProductLine.objects.get_or_create(code=line_data["code"], defaults={"name": line_data["name"]})
            for code, name in line_data["models"]:
                model, _ = ProductModel.objects.get_or_create(
                    code=code, defaults={"product_line": line, "name": name, "warranty_months": line_data["warranty"]}
                )
                self.models.append(model)
            faults = []
            for code, name, priority, questions, symptoms, resolutions in line_data["faults"]:
                fault, created = FaultCategory.objects.get_or_create(
                    code=code, defaults={"product_line": line, "name": name, "default_priority": priority}
                )
                if created:
                    GuidedQuestion.objects.bulk_create(
                        GuidedQuestion(fault_category=fault, text=text, position=i) for i, text in enumerate(questions)
                    )
                faults.append((fault, symptoms, resolutions))
            self.faults[line.code] = faults
        FaultCategory.objects.get_or_create(code="other", defaults={"name": "其他问题", "default_priority": "P3"})

    def make_user(
        self, username: str, group: str, display_name: str, *, region: str = "", superuser: bool = False
    ) -> User:
        existing = User.objects.filter(username=username).first()
        if existing is not None:  # never overwrite a real account's password
            return existing
        user = User.objects.create(
            username=username,
            password=self.password_hash,
            display_name=display_name,
            email=f"{username}@demo.aftersales.cn",
            # No phone: staff are notified in-app and by e-mail (SMS is for customers), which
            # also keeps the seed fast (each channel is one more outbox row per notification).
            region=self.regions.get(region),
            team=self.teams.get(region),
            is_staff=superuser,
            is_superuser=superuser,
            date_joined=self.clock.at,
        )
        user.groups.add(Group.objects.get(name=group))
        return user

    def seed_users(self) -> None:
        # One hash for every demo account: hashing is deliberately slow, and they share the password.
        self.password_hash = make_password(DEMO_PASSWORD)
        for code, name, _cities in REGIONS:
            self.teams[code], _ = Team.objects.get_or_create(
                name=f"{name}服务组", defaults={"region": self.regions[code]}
            )
        for username, group, display_name, superuser in DEMO_USERS:
            if group == "customer":
                continue  # made with the customer it belongs to
            region = TECH_REGION.get(username, "")
            self.users[username] = self.make_user(username, group, display_name, region=region, superuser=superuser)
            self.logins.append(Login(username, group, display_name))
        for username, group, display_name, region in MORE_STAFF:
            self.users[username] = self.make_user(username, group, display_name, region=region)

    def seed_customers(self) -> None:
        agent = self.users["agent"]
        for index in range(self.n_customers):
            self.tick(self.rng.uniform(60, 600))
            region_code = "east" if index == 0 else self.weighted(REGION_WEIGHTS)
            _c, _n, cities = next(r for r in REGIONS if r[0] == region_code)
            city, area, districts = self.rng.choice(cities)
            district, road = self.rng.choice(districts), self.rng.choice(ROADS)
            category = "household" if index == 0 else self.weighted(CATEGORY_WEIGHTS)
            short_city = city.split("省")[-1].removesuffix("市")
            if category == "household":
                name, kind, phone = self.person_name(), Customer.Kind.PERSON, self.mobile()
                address = (
                    f"{city}{district}{road}{self.rng.randint(1, 999)}号{self.rng.choice(COMPOUNDS)}"
                    f"{self.rng.randint(1, 30)}栋{self.rng.randint(1, 4)}单元{self.rng.randint(2, 33)}{self.rng.randint(1, 4):02d}室"
                )
                preferences = self.rng.choice(PREFERENCES_PERSON) if self.rng.random() < 0.3 else ""
                contact_name = name
            else:
                firm = self.rng.choice(FIRMS)
                name = {
                    "commercial": f"{short_city}{firm}{self.rng.choice(['酒店', '餐饮管理有限公司', '物业服务有限公司', '商贸有限公司'])}",
                    "dealer": f"{short_city}{firm}{self.rng.choice(['家电销售有限公司', '电器商行', '暖通设备有限公司'])}",
                    "project": f"{short_city}{firm}{self.rng.choice(['花园精装修项目', '学校宿舍空调改造项目', '医院热水系统项目', '写字楼中央空调项目'])}",
                }[category]
                name = f"{name}（{index}）" if Customer.objects.filter(name=name).exists() else name
                kind, phone = Customer.Kind.ORGANISATION, f"{area}-{self.rng.randrange(10**7, 10**8)}"
                address = f"{city}{district}{road}{self.rng.randint(1, 999)}号"
                preferences = self.rng.choice(PREFERENCES_ORG) if self.rng.random() < 0.4 else ""
                contact_name = self.person_name()
            customer = customer_create(
                actor=agent,
                name=name,
                kind=kind,
                phone=phone,
                address=address,
                region_id=self.regions[region_code].pk,
                category_id=self.categories[category].pk,
                service_preferences=preferences,
                contact_name=contact_name,
                confirm_duplicate=True,  # namesakes are real people too (R-1.1 warns an agent)
            )
            if kind == Customer.Kind.ORGANISATION:
                for _i in range(self.rng.randint(1, 2)):
                    contact_create(
                        actor=agent,
                        customer=customer,
                        name=self.person_name(),
                        phone=self.mobile(),
                        position=self.rng.choice(POSITIONS),
                    )
            self.customers.append(customer)
            self.city_of[customer.pk] = region_code
        self.demo_customer = self.customers[0]
        portal = self.make_user("customer", "customer", self.demo_customer.name)
        if portal.customer_id is None and not portal.is_staff and portal.has_role("customer"):
            portal.customer = self.demo_customer
            portal.save(update_fields=["customer"])
        self.users["customer"] = portal
        self.logins.append(Login("customer", "customer", f"{self.demo_customer.name}（客户门户）"))

    def seed_products(self) -> None:
        agent = self.users["agent"]
        owners = list(self.customers)  # every customer has at least one product
        weights = [1 if c.kind == Customer.Kind.PERSON else 4 for c in self.customers]
        # The portal customer owns three products: an air conditioner, a water heater and a purifier.
        owners += [self.customers[0]] * 2
        owners += self.rng.choices(self.customers[1:], weights=weights[1:], k=max(0, self.n_products - len(owners)))
        today = timezone.localdate(self.clock.at)
        for serial, customer in enumerate(owners, start=1):
            self.tick(self.rng.uniform(5, 60))
            if customer.pk == self.customers[0].pk:
                have = len(self.products_of.get(customer.pk, []))
                model = next(m for m in self.models if m.product_line.code == PRODUCT_LINES[have % 3]["code"])
            else:
                model = self.rng.choice(self.models)
            purchase = today - dt.timedelta(days=self.rng.randint(20, 5 * 365))
            product = installed_product_create(
                actor=agent,
                customer=customer,
                product_model_id=model.pk,
                serial_number=f"LQ{purchase:%y%m}{serial:06d}",
                batch=f"B{purchase:%y%m}-{self.rng.randint(1, 9):02d}",
                purchase_date=purchase,
                installation_date=purchase + dt.timedelta(days=self.rng.randint(0, 7)),
            )
            self.products_of.setdefault(customer.pk, []).append(product)

    # ---- work orders --------------------------------------------------------------------

    def received_times(self) -> list[dt.datetime]:
        tz = timezone.get_current_timezone()
        today = timezone.localtime(self.now, tz).date()
        times = []
        for _i in range(self.n_work_orders):
            day = today - dt.timedelta(days=self.rng.randrange(HISTORY_DAYS))
            minute = self.rng.choice([8, 9, 9, 10, 10, 11, 13, 14, 14, 15, 16, 17, 19, 20]) * 60 + self.rng.randrange(
                60
            )
            at = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=tz)
            if at > self.now - dt.timedelta(minutes=20):
                at = self.now - dt.timedelta(minutes=self.rng.randint(20, 360))
            times.append(at)
        return sorted(times)

    def target_for(self, age: dt.timedelta) -> str:
        days = age.total_seconds() / 86400
        if days < 0.5:
            table = {"new": 35, "acknowledged": 20, "assigned": 30, "in_progress": 15}
        elif days < 3:
            table = {
                "new": 4, "acknowledged": 6, "assigned": 20, "in_progress": 25, "waiting_customer": 10,
                "waiting_parts": 10, "resolved": 15, "confirmed": 5, "closed": 5,
            }  # fmt: skip
        elif days < 14:
            table = {
                "assigned": 4, "in_progress": 8, "waiting_customer": 5, "waiting_parts": 10,
                "resolved": 10, "confirmed": 10, "closed": 53,
            }  # fmt: skip
        elif days < 40:
            table = {"waiting_parts": 2, "resolved": 2, "confirmed": 2, "closed": 94}
        else:
            table = {"closed": 45, "archived": 55}
        return self.weighted(table)

    def plan_work_orders(self) -> list[_Plan]:
        for customer_id, contact_id in Contact.objects.filter(is_primary=True).values_list("customer_id", "pk"):
            self.contact_of[customer_id] = contact_id
        times = self.received_times()
        plans: list[_Plan] = []
        demo_every = max(1, len(times) // 9)
        for i, received in enumerate(times):
            if i % demo_every == demo_every // 2 and self.demo_customer is not None:
                customer = self.demo_customer
            else:
                customer = self.rng.choice(self.customers[1:])
            products = self.products_of.get(customer.pk, [])
            product = self.rng.choice(products) if products and self.rng.random() < 0.92 else None
            plans.append(_Plan(customer, product, self.target_for(self.now - received), received))
        # Make sure every status is there even at a small scale: the newest for open statuses,
        # the oldest for archived.
        forced: set[int] = set()
        for status in Status.values:
            if any(p.target == status for p in plans):
                continue
            order = range(len(plans)) if status == Status.ARCHIVED else range(len(plans) - 1, -1, -1)
            for index in order:
                if index in forced or sum(p.target == plans[index].target for p in plans) < 2:
                    continue
                if status == Status.ARCHIVED and (self.now - plans[index].received_at).days < 35:
                    break
                plans[index].target = status
                forced.add(index)
                break
        for plan in plans:
            self.build_steps(plan)
        return plans

    def technician_for(self, customer: Customer) -> User:
        region = self.city_of.get(customer.pk, "east")
        techs = [
            u for name, u in self.users.items() if u.has_role("technician") and u.region_id == self.regions[region].pk
        ]
        return self.rng.choice(techs or [self.users["tech"]])

    def build_steps(self, plan: _Plan) -> None:
        rng, users = self.rng, self.users
        agent = rng.choice([users["agent"], users["agent"], users["agent2"], users["agent3"]])
        portal = users["customer"] if plan.customer.pk == getattr(self.demo_customer, "pk", None) else None
        line = plan.product.product_model.product_line.code if plan.product else rng.choice(list(self.faults))
        service_type = self.weighted(
            {
                "repair": 62,
                "installation": 10,
                "consultation": 12,
                "complaint": 5,
                "suggestion": 3,
                "shipping": 4,
                "training": 2,
                "guarantee": 2,
            }
        )
        if plan.target in ("new", "acknowledged", "assigned", "in_progress") and service_type == "suggestion":
            service_type = "repair"
        on_spot = service_type == "consultation" and plan.target in ("closed", "archived") and rng.random() < 0.6
        fault, symptoms, resolutions = rng.choice(self.faults[line])
        model_name = plan.product.product_model.name if plan.product else PRODUCT_LINES[0]["name"]
        symptom = {
            "repair": rng.choice(symptoms),
            "installation": rng.choice(
                [f"新购{model_name}，需要上门安装", "搬家后需要移机并重新安装", "需要加装一台同型号室内机"]
            ),
            "consultation": rng.choice(
                ["咨询滤芯更换周期和价格", "咨询遥控器定时功能如何设置", "咨询保修期限及保修范围", "咨询冬季如何防冻"]
            ),
            "complaint": rng.choice(
                ["工程师上门迟到两个小时且未提前通知", "维修后一周内故障再次出现，要求更换新机", "客服电话多次无人接听"]
            ),
            "suggestion": rng.choice(["表扬上次上门的工程师服务态度好、技术专业", "建议App增加滤芯寿命提醒功能"]),
            "shipping": rng.choice(["遥控器丢失，需要寄送新遥控器", "需要补寄发票及保修卡", "需要寄送备用滤芯"]),
            "training": "门店新员工需要产品安装与调试培训",
            "guarantee": "周末举办大型活动，需要现场技术保障",
        }[service_type]
        portal_made = portal is not None and not on_spot and rng.random() < 0.4
        channel = (
            Channel.WEB
            if portal_made
            else self.weighted(
                {"phone": 62, "web": 8, "app": 8, "email": 6, "sms": 4, "walk_in": 4, "letter": 3, "fax": 5}
            )
        )
        colour = None
        if service_type == "complaint" and rng.random() < 0.3:
            colour = "red"
        elif service_type == "repair" and rng.random() < 0.08:
            colour = "yellow"
        priority = None if rng.random() < 0.85 else rng.choice(["P1", "P2", "P3"])
        occurred = plan.received_at - dt.timedelta(hours=rng.uniform(1, 72)) if service_type == "repair" else None
        # Letters and e-mails are read some hours after they arrive; the rest is recorded at once.
        intake_delay = rng.uniform(2, 15) * (30 if channel in ("letter", "email", "fax") else 1)
        tech = self.technician_for(plan.customer)
        handlers = {
            "consultation": users["expert"],
            "complaint": users["supervisor"],
            "shipping": agent,
            "suggestion": agent,
        }
        handler = handlers.get(service_type, tech)
        mode = {"consultation": HandlingMode.REMOTE, "shipping": HandlingMode.REMOTE}.get(service_type) or (
            rng.choices([HandlingMode.ON_SITE, HandlingMode.REMOTE, HandlingMode.FACTORY], weights=[75, 15, 10])[0]
        )
        resolution = {
            "repair": rng.choice(resolutions),
            "installation": "已上门完成安装调试，试机运行正常，已向客户讲解使用方法",
            "consultation": "已电话告知客户，客户表示明白",
            "complaint": "已向客户致歉并说明处理措施，对相关人员进行了考核",
            "suggestion": "已感谢客户并将意见转交相关部门",
            "shipping": "已通过顺丰寄出，运单号已短信告知客户",
            "training": "已完成两小时现场培训，参训人员均已掌握",
            "guarantee": "活动期间全程值守，设备运行正常",
        }[service_type]

        def wid() -> int:  # the id exists only once the create step has run
            return plan.work_order_id

        steps: list[tuple[float, Callable[[], object]]] = []  # (minutes after the previous step, action)

        # On a customer's own request the system sets these (workorders.services, R-13.1).
        staff_only: dict[str, Any] = (
            {}
            if portal_made
            else {
                "channel": channel,
                "received_at": plan.received_at,
                "priority": priority,
                "colour": colour,
                "answered_on_spot": on_spot,
                "resolution": resolution if on_spot else "",
            }
        )

        def create() -> None:
            wo = wo_services.work_order_create(
                actor=portal if portal_made else agent,
                customer_id=plan.customer.pk,
                symptom=symptom,
                service_type=service_type,
                installed_product_id=plan.product.pk if plan.product else None,
                contact_id=self.contact_of.get(plan.customer.pk),
                fault_category_id=fault.pk if service_type == "repair" else None,
                occurred_at=occurred,
                demand=rng.choice(DEMANDS) if service_type == "repair" else "",
                **staff_only,
            )
            plan.work_order_id = wo.pk
            if service_type == "complaint":  # the complaint's record and its read-back
                feedback_demo.complaint_recorded(agent=agent, work_order=wo, rng=rng)

        steps.append((intake_delay, create))
        if portal is not None and portal_made and service_type == "repair":
            customer_user = portal  # the customer's photo of the fault, from the portal
            steps.append((3.0, lambda: self.photo(customer_user, wid(), "故障照片.jpg")))
        target = plan.target
        if on_spot or target == "new":
            self.schedule(plan, steps)
            return
        if portal_made or channel != "phone" or target == "acknowledged":
            steps.append(
                (rng.uniform(5, 90), lambda: wo_services.work_order_acknowledge(actor=agent, work_order_id=wid()))
            )
        if target == "acknowledged":
            self.schedule(plan, steps)
            return
        if service_type == "suggestion":
            steps.append(
                (
                    rng.uniform(30, 600),
                    lambda: wo_services.work_order_resolve(actor=agent, work_order_id=wid(), resolution=resolution),
                )
            )
        else:
            assigner = users["dispatcher"] if rng.random() < 0.7 else agent
            steps.append(
                (
                    rng.uniform(15, 240),
                    lambda: wo_services.work_order_assign(actor=assigner, work_order_id=wid(), assignee_id=handler.pk),
                )
            )
            if rng.random() < 0.4:
                note = rng.choice(NOTES)
                steps.append((rng.uniform(10, 120), lambda: self.note(handler, wid(), note)))
            if rng.random() < 0.3:
                summary = rng.choice(
                    [
                        "电话联系客户确认上门时间",
                        "电话告知客户工程师姓名和电话",
                        "客户来电催促进度，已安抚并告知预计时间",
                    ]
                )
                steps.append((rng.uniform(10, 300), lambda: self.call(agent, wid(), summary)))
            if target == "assigned":
                self.schedule(plan, steps)
                return
            steps.append(
                (
                    rng.uniform(60, 1440),
                    lambda: wo_services.work_order_start(actor=handler, work_order_id=wid(), mode=mode),
                )
            )
            waits = {"waiting_customer": "customer", "waiting_parts": "parts"}
            if target in waits or (target not in ("in_progress",) and rng.random() < 0.2):
                on = waits.get(target) or rng.choice(["customer", "parts"])
                reason = rng.choice(WAIT_CUSTOMER if on == "customer" else WAIT_PARTS)
                steps.append(
                    (
                        rng.uniform(30, 300),
                        lambda: wo_services.work_order_wait(actor=handler, work_order_id=wid(), on=on, reason=reason),
                    )
                )
                if target in waits:
                    self.schedule(plan, steps)
                    return
                steps.append(
                    (
                        rng.uniform(600, 4320),
                        lambda: wo_services.work_order_resume(
                            actor=handler, work_order_id=wid(), note="备件已到/客户已确认，继续处理"
                        ),
                    )
                )
            if target == "in_progress":
                self.schedule(plan, steps)
                return
            steps.append(
                (
                    rng.uniform(30, 480),
                    lambda: wo_services.work_order_resolve(actor=handler, work_order_id=wid(), resolution=resolution),
                )
            )
        if target == "resolved":
            self.schedule(plan, steps)
            return
        self.add_closing(plan, steps, agent=agent, portal=portal, handler=handler, resolution=resolution)
        self.schedule(plan, steps)

    def add_closing(
        self,
        plan: _Plan,
        steps: list[tuple[float, Callable[[], object]]],
        *,
        agent: User,
        portal: User | None,
        handler: User,
        resolution: str,
    ) -> None:
        rng, target = self.rng, plan.target

        def wid() -> int:
            return plan.work_order_id

        def confirm_or_skip(final: bool) -> bool:
            if final or rng.random() < 0.8:
                if portal is not None and rng.random() < 0.6:
                    steps.append(
                        (
                            rng.uniform(60, 1440),
                            lambda: wo_services.work_order_confirm(actor=portal, work_order_id=wid()),
                        )
                    )
                else:
                    note = "电话回访，客户确认问题已解决，对服务表示满意"
                    steps.append(
                        (
                            rng.uniform(60, 1440),
                            lambda: wo_services.work_order_confirm(actor=agent, work_order_id=wid(), note=note),
                        )
                    )
                return True
            return False

        confirmed = confirm_or_skip(final=target == "confirmed")
        if target == "confirmed":
            return
        reason = "" if confirmed else CLOSE_WITHOUT_CONFIRMATION
        steps.append(
            (
                rng.uniform(10, 600),
                lambda: wo_services.work_order_close(actor=agent, work_order_id=wid(), reason=reason),
            )
        )
        if rng.random() < 0.06 and plan.received_at < self.now - dt.timedelta(days=10):
            why = rng.choice(REOPEN_REASONS)
            steps.append(
                (
                    rng.uniform(1440, 4320),
                    lambda: wo_services.work_order_reopen(actor=agent, work_order_id=wid(), reason=why),
                )
            )
            if handler.has_role("technician", "expert", "supervisor"):
                steps.append(
                    (
                        rng.uniform(60, 1440),
                        lambda: wo_services.work_order_start(
                            actor=handler, work_order_id=wid(), mode=HandlingMode.ON_SITE
                        ),
                    )
                )
            again = "二次上门，" + resolution
            steps.append(
                (
                    rng.uniform(60, 600),
                    lambda: wo_services.work_order_resolve(actor=handler, work_order_id=wid(), resolution=again),
                )
            )
            note = "二次回访，客户确认已彻底解决"
            steps.append(
                (
                    rng.uniform(60, 1440),
                    lambda: wo_services.work_order_confirm(actor=agent, work_order_id=wid(), note=note),
                )
            )
            steps.append((rng.uniform(10, 300), lambda: wo_services.work_order_close(actor=agent, work_order_id=wid())))
        if target == "archived":
            supervisor = self.users["supervisor"]
            steps.append(
                (
                    rng.uniform(30, 40) * 1440,
                    lambda: wo_services.work_order_archive(actor=supervisor, work_order_id=wid()),
                )
            )

    def note(self, actor: User, work_order_id: int, text: str) -> None:
        wo_services.work_order_add_note(actor=actor, work_order_id=work_order_id, text=text)

    def photo(self, actor: User, work_order_id: int, name: str) -> None:
        attachment_add(actor=actor, work_order_id=work_order_id, file=ContentFile(demo_photo(work_order_id), name=name))

    def call(self, actor: User, work_order_id: int, summary: str) -> None:
        wo_services.communication_record(
            actor=actor,
            work_order_id=work_order_id,
            kind=Communication.Kind.CALL,
            direction=Communication.Direction.OUTBOUND
            if "客户来电" not in summary
            else Communication.Direction.INBOUND,
            summary=summary,
        )

    def schedule(self, plan: _Plan, steps: list[tuple[float, Callable[[], object]]]) -> None:
        """Turn (minutes after the previous step) into times; squeeze them to end before now."""
        latest = self.now - dt.timedelta(minutes=2)
        available = (latest - plan.received_at).total_seconds() / 60
        total = sum(minutes for minutes, _action in steps)
        factor = min(1.0, available / total) if total > 0 else 1.0
        at = plan.received_at
        for minutes, action in steps:
            at += dt.timedelta(minutes=minutes * factor)
            plan.steps.append((at, action))

    def run_history(self, plans: list[_Plan]) -> None:
        agenda = sorted(
            (
                (at, order, step_no, action)
                for order, plan in enumerate(plans)
                for step_no, (at, action) in enumerate(plan.steps)
            ),
            key=lambda item: (item[0], item[1], item[2]),
        )
        for at, _order, _step, action in agenda:
            self.clock.at = at
            action()

    def finish_outbox(self) -> None:
        """Notifications of the simulated past were delivered back then: mark them sent (and
        in-app ones older than three days read), so the worker does not send thousands of
        e-mails and SMS at the first start."""
        messages = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
        messages.update(status=OutboxMessage.Status.SENT, sent_at=F("created_at"))
        OutboxMessage.objects.filter(
            channel=OutboxMessage.Channel.IN_APP, read_at__isnull=True, created_at__lt=self.now - dt.timedelta(days=3)
        ).update(read_at=F("created_at") + dt.timedelta(hours=1))


def demo_photo(variant: int) -> bytes:
    """A customer's photo of a leaking appliance, drawn here (the demo ships no pictures)."""
    picture = Image.new("RGB", (960, 720), (214, 210, 200))  # the wall
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 560, 960, 720), fill=(150, 120, 90))  # the floor
    draw.rounded_rectangle((300, 120, 660, 600), radius=24, fill=(245, 245, 242), outline=(170, 170, 165), width=4)
    draw.rectangle((340, 170, 620, 230), fill=(60, 70, 80))  # the display
    shade = 140 + variant % 60
    for x, y, r in ((480, 620, 90), (420, 650, 50), (560, 640, 60)):  # the puddle
        draw.ellipse((x - r, y - r // 3, x + r, y + r // 3), fill=(90, 130, shade))
    out = BytesIO()
    picture.save(out, "JPEG", quality=85)
    return out.getvalue()


CANCEL_REASONS = ["客户来电撤回：问题已自行解决", "重复报修，已并入先前的工单"]


def cancelled_requests(gen: _Generator, now: dt.datetime) -> None:
    """R-3.5: a few new requests withdrawn by the desk, each at a moment after its last event."""
    newest = WorkOrder.objects.filter(status=Status.NEW, repair_orders__isnull=True).order_by("-received_at")
    for wo, reason in zip(newest[: len(CANCEL_REASONS)], CANCEL_REASONS, strict=False):
        last = wo.events.order_by("-at").values_list("at", flat=True).first() or wo.received_at
        gen.clock.at = last + (now - last) / 2
        wo_services.work_order_cancel(actor=gen.users["agent"], work_order_id=wo.pk, reason=reason, now=gen.clock.at)
    gen.clock.at = now


def seed(*, scale: float = 1.0, seed: int = DEFAULT_SEED, now: dt.datetime | None = None) -> SeedResult:
    """Write the demo data set into an empty database, in one transaction (all or nothing)."""
    started = time.monotonic()
    real_now = (now or timezone.now()).replace(second=0, microsecond=0)
    gen = _Generator(scale=scale, seed=seed, now=real_now)
    with transaction.atomic(), simulated(gen.clock):
        gen.seed_master_data()
        gen.seed_users()
        staff_demo.profiles(gen)  # R-10.1: 30 technicians' profiles and certifications (R-5.2)
        parts = parts_demo.seed_parts(gen)  # catalogue, warehouses, a year of stock moves
        gen.seed_customers()
        gen.seed_products()
        plans = gen.plan_work_orders()
        gen.run_history(plans)
        gen.clock.at = real_now
        cancelled_requests(gen, real_now)  # withdrawn requests (已取消)
        property_demo.customer_property(gen)  # customer property in our care and returned
        parts_demo.reserve_on_open_work_orders(gen, parts)  # parts on jobs being handled
        feedback_demo.batch_incident(gen)  # a batch crossing level II
        repairs_demo.repair_orders(gen)  # repair orders in every state, shipments
        visit_demo.visits(gen)  # visits and service reports in every state, with photos
        appointment_demo.appointments(gen)  # this week's appointments on the board
        notice_demo.service_notices(gen)  # service notices for booked jobs (dispatch app)
        surveys_demo.answers(gen)  # three months of survey answers, some invalid for each reason
        gen.finish_outbox()
    counts = {
        "customers": Customer.objects.count(),
        "installed_products": InstalledProduct.objects.count(),
        "work_orders": WorkOrder.objects.count(),
        "users": User.objects.count(),
    }
    return SeedResult(logins=gen.logins, counts=counts, seconds=time.monotonic() - started)
