#!/usr/bin/env python3
"""Write Copyist's demo catalogue: a shop's product sheet, half in English and
half in Simplified Chinese, as CSV.

The text is the project's own. Every description is composed from many
alternative sentences (openers, colour and material sentences, product
features, attribute sentences, use cases, care notes, closers), picked by a
seeded random generator, so the same seed always writes the same bytes and a
model trained on the catalogue cannot learn a single template. Each sentence
only ever names the row's own attribute values, verbatim; `check_row` below
refuses to write a row that misses one or names a colour it does not have.

Python 3 standard library only.

    make-demo-catalog.py --output demo-catalog.csv [--seed N]
"""

import argparse
import csv
import io
import random
import re
import string
import sys

DEFAULT_SEED = 20261128
PRODUCTS_PER_CATEGORY_AND_LANGUAGE = 22   # 11 categories x 2 languages x 22 = 484 rows
HEADLINE_BUDGET = 30                       # characters; a CJK character counts as one
BODY_BUDGET = 90

COLUMNS = ["SKU", "Title", "Category", "Type", "Brand", "Colour", "Material", "Size", "Fit",
           "Capacity", "Power", "Age range", "Price", "Description", "Ad headline", "Ad copy"]
ATTRS = ["size", "fit", "capacity", "power", "age"]

# Colour names never contain each other's words, and no fixed text below uses a
# colour word, so "mentions a colour the row does not have" is checkable.
COLOURS = {
    "black": ("Black", "黑色"), "white": ("White", "白色"), "navy": ("Navy", "藏青色"),
    "slate": ("Slate Grey", "石板灰"), "sage": ("Sage Green", "鼠尾草绿"),
    "forest": ("Forest Green", "森林绿"), "burgundy": ("Burgundy", "酒红色"),
    "mustard": ("Mustard Yellow", "芥末黄"), "sky": ("Sky Blue", "天蓝色"),
    "blush": ("Blush Pink", "樱花粉"), "ivory": ("Ivory", "象牙白"),
    "terracotta": ("Terracotta", "陶土橙"), "lavender": ("Lavender", "薰衣草紫"),
    "oat": ("Oatmeal", "燕麦色"), "teal": ("Teal", "孔雀蓝"), "coral": ("Coral", "珊瑚橘"),
    "silver": ("Silver", "银色"), "rosegold": ("Rose Gold", "玫瑰金"),
    "spacegrey": ("Space Grey", "深空灰"), "midnight": ("Midnight Blue", "午夜蓝"),
    "amber": ("Amber", "琥珀色"), "walnut": ("Walnut Brown", "胡桃棕"),
    "tan": ("Tan", "焦糖色"), "red": ("Cherry Red", "樱桃红"),
}

# --------------------------------------------------------------------------
# Product types, by category. Attribute values are (English, Chinese) pairs.
# --------------------------------------------------------------------------

def T(key, en, zh, materials, colours, price, feats_en, feats_zh, **attrs):
    return dict(key=key, en=en, zh=zh, materials=materials, colours=colours.split(),
                price=price, feats_en=feats_en, feats_zh=feats_zh, attrs=attrs)

APPAREL_SIZES = ("apparel", [("XS", "XS"), ("S", "S"), ("M", "M"), ("L", "L"), ("XL", "XL"), ("XXL", "XXL")])
APPAREL_FITS = ("apparel", [("regular fit", "常规版型"), ("relaxed fit", "宽松版型"),
                            ("slim fit", "修身版型"), ("oversized fit", "落肩宽松版型")])
SHOE_SIZES = ("shoe", [("EU %d" % n, "%d" % n) for n in range(36, 46)])
SHOE_FITS = ("shoe", [("standard width", "标准楦型"), ("wide fit", "加宽楦型")])
AGES = [("12 months+", "1岁以上"), ("ages 3+", "3岁以上"), ("ages 3-6", "3-6岁"), ("ages 6+", "6岁以上")]
PET_SIZES = ("pet", [("S", "S"), ("M", "M"), ("L", "L"), ("XL", "XL")])

CATEGORIES = [
 dict(key="apparel", en="Apparel", zh="服装", code="AP",
  brands_en=["Nordvik", "Hale & Loom", "Larkfield"], brands_zh=["素野", "棉间", "拾光衣橱"],
  types=[
   T("tee", "crew-neck T-shirt", "圆领T恤", [("organic cotton", "有机棉"), ("Tencel lyocell", "天丝"), ("slub cotton", "竹节棉")],
     "black white navy sage oat terracotta sky", (18, 32),
     ["The neckline is finished with a soft rib that keeps its shape wash after wash.",
      "Side seams are taped, so nothing rubs where it shouldn't.",
      "It is just heavy enough to skim the body rather than cling to it."],
     ["领口采用螺纹收边，洗多少次都不易变形。", "肩部加固走线，穿着更挺括。", "面料厚薄适中，不透肉也不闷热。"],
     size=APPAREL_SIZES, fit=APPAREL_FITS),
   T("hoodie", "hoodie", "连帽卫衣", [("brushed fleece", "磨毛抓绒"), ("organic cotton", "有机棉"), ("French terry", "毛圈棉")],
     "black navy slate forest oat burgundy lavender", (45, 75),
     ["A roomy kangaroo pocket keeps your hands warm and your phone close.",
      "The double-layer hood holds its shape and keeps the wind off.",
      "Ribbed cuffs and hem stop cold air sneaking in."],
     ["大容量袋鼠兜，暖手又能放手机。", "双层帽子立体有型，挡风效果好。", "袖口和下摆都是弹力螺纹，防风保暖。"],
     size=APPAREL_SIZES, fit=APPAREL_FITS),
   T("shirt", "button-down shirt", "长袖衬衫", [("washed linen", "水洗亚麻"), ("cotton poplin", "府绸棉"), ("cotton oxford", "牛津纺棉")],
     "white sky navy sage oat blush", (38, 65),
     ["Mother-of-pearl-effect buttons and a softly structured collar keep it smart.",
      "A curved hem means it looks just as good tucked in or worn loose.",
      "A single chest pocket adds a useful spot for a pen or sunglasses."],
     ["贝壳质感纽扣搭配微挺领型，精致有范儿。", "弧形下摆设计，扎进去或散着穿都好看。", "左胸贴袋实用又有细节感。"],
     size=APPAREL_SIZES, fit=APPAREL_FITS),
   T("chinos", "chino", "休闲长裤", [("stretch cotton twill", "弹力棉斜纹布"), ("organic cotton", "有机棉")],
     "navy oat black slate forest tan", (42, 70),
     ["A touch of stretch lets you sit, cycle and crouch without thinking about it.",
      "Deep front pockets are lined so keys do not wear through.",
      "The tapered leg sits neatly over trainers and boots alike."],
     ["微弹面料，蹲坐骑车都不紧绷。", "前袋加深设计，钥匙手机放得稳。", "小锥形裤腿，配运动鞋或短靴都利落。"],
     size=APPAREL_SIZES, fit=APPAREL_FITS),
   T("dress", "midi dress", "中长款连衣裙", [("Tencel lyocell", "天丝"), ("washed linen", "水洗亚麻"), ("cotton poplin", "府绸棉")],
     "black navy sage terracotta blush mustard", (48, 85),
     ["It has pockets, deep enough for a phone, hidden in the side seams.",
      "A gently shaped waist gives it definition without any tightness.",
      "The skirt falls just below the knee and moves beautifully as you walk."],
     ["侧缝藏着两个实用口袋，放手机刚刚好。", "腰线微收，不勒不紧也显身形。", "裙长过膝，走起路来裙摆灵动飘逸。"],
     size=APPAREL_SIZES, fit=APPAREL_FITS),
  ],
  use_en=["Wear it to the office, to the pub, or around the house on a slow Sunday.",
          "It layers easily under a coat when the weather turns.",
          "Pack it for a weekend away; it comes out of a bag looking presentable.",
          "It works as well with jeans as it does with tailoring."],
  use_zh=["上班通勤、周末约会、居家休闲都能穿。", "单穿或叠穿都好看，换季也不用愁。",
          "出差旅行塞进行李箱，拿出来依然平整体面。", "搭牛仔裤休闲，配西装裤正式，一衣多穿。"],
  care_en=["Machine wash at 30 degrees and dry flat to keep the shape.",
           "Wash inside out with similar shades and skip the tumble dryer.",
           "A cool iron on the reverse brings it straight back to life."],
  care_zh=["建议30度以下机洗，平铺晾干更保形。", "深浅衣物分开洗涤，请勿暴晒或烘干。", "反面低温熨烫，平整如新。"]),

 dict(key="shoes", en="Shoes", zh="鞋靴", code="SH",
  brands_en=["Cobbleway", "Stride & Co", "Fernmoor"], brands_zh=["步履", "青石鞋履", "行止"],
  types=[
   T("trainers", "low-top sneaker", "低帮板鞋", [("full-grain leather", "头层牛皮"), ("suede", "麂皮绒"), ("recycled canvas", "再生帆布")],
     "white black navy oat sage tan", (55, 95),
     ["A cupsole with a stitched welt gives it a long, resoleable life.",
      "The padded collar and tongue mean no break-in blisters.",
      "A removable cushioned footbed moulds to your foot over the first few weeks."],
     ["缝线大底结实耐穿，不易开胶。", "鞋口和鞋舌加厚填充，新鞋也不磨脚。", "可拆卸缓震鞋垫，越穿越贴合脚型。"],
     size=SHOE_SIZES, fit=SHOE_FITS),
   T("boots", "Chelsea boot", "切尔西靴", [("full-grain leather", "头层牛皮"), ("suede", "麂皮绒"), ("oiled nubuck", "油蜡磨砂皮")],
     "black tan walnut burgundy slate", (95, 160),
     ["Elastic side panels and a heel pull make it easy to get on and off.",
      "A lugged sole grips on wet pavements and gravel paths.",
      "The breathable lining keeps your feet comfortable all day."],
     ["两侧弹力松紧带配后跟提环，穿脱方便。", "防滑耐磨大底，雨天石板路也走得稳。", "内里透气，久穿不闷脚。"],
     size=SHOE_SIZES, fit=SHOE_FITS),
   T("loafers", "penny loafer", "乐福鞋", [("full-grain leather", "头层牛皮"), ("suede", "麂皮绒")],
     "black tan walnut burgundy navy", (80, 130),
     ["It is Blake-stitched for a sleek, flexible feel from the first wear.",
      "A stacked heel adds a little height and a lot of polish.",
      "The classic strap across the vamp keeps the look sharp."],
     ["采用布雷克缝法，鞋身轻巧柔软，第一次穿就舒服。", "叠层鞋跟，微微增高更显精神。", "经典横带设计，简洁干练。"],
     size=SHOE_SIZES, fit=SHOE_FITS),
   T("runners", "running shoe", "缓震跑鞋", [("knit mesh", "飞织网面"), ("recycled polyester mesh", "再生涤纶网布")],
     "black white coral sky slate teal", (70, 120),
     ["A springy midsole softens every landing on long runs.",
      "The knit upper flexes with your foot and lets heat escape.",
      "Reflective details help you stay visible on evening runs."],
     ["高回弹中底，长距离跑步也能有效缓震。", "鞋面随脚弯折，透气散热不闷汗。", "反光细节设计，夜跑更安全。"],
     size=SHOE_SIZES, fit=SHOE_FITS),
  ],
  use_en=["From the commute to a long walk on the weekend, it keeps up.",
          "It looks just as right with a suit as with shorts.",
          "Ideal for days when you are on your feet from morning to night."],
  use_zh=["通勤、逛街、周末出游，一双就够。", "搭西装、配短裤都不违和。", "适合需要久站久走的日子，从早穿到晚也舒服。"],
  care_en=["Brush off dirt once dry and store with shoe trees to keep the shape.",
           "Treat with a protector spray before the first wear.",
           "Give it a day off between wears and it will last for years."],
  care_zh=["泥污晾干后用软毛刷轻刷即可，建议搭配鞋撑存放。", "初次穿着前建议喷一层防水喷雾。", "两双换着穿，让鞋子休息一天，寿命更长。"]),

 dict(key="bags", en="Bags", zh="箱包", code="BG",
  brands_en=["Packwell", "Ostra", "Tern & Tide"], brands_zh=["行囊志", "拾物", "远山"],
  types=[
   T("backpack", "roll-top backpack", "卷口双肩包", [("waxed canvas", "油蜡帆布"), ("recycled nylon", "再生尼龙")],
     "black navy forest slate tan mustard", (65, 110),
     ["A padded sleeve at the back takes a 15-inch laptop.",
      "The roll-top closure expands when you need a little more room.",
      "Breathable back panels keep you cool on warm days."],
     ["背部独立电脑仓，可放15英寸笔记本。", "卷口设计，需要时还能再扩容。", "透气背板，夏天背着也不闷热。"],
     capacity=("bag", [("18 L", "18L"), ("22 L", "22L"), ("26 L", "26L")])),
   T("tote", "tote bag", "托特包", [("cotton canvas", "棉帆布"), ("vegetable-tanned leather", "植鞣牛皮")],
     "oat black navy tan terracotta sage", (35, 120),
     ["An inside zip pocket keeps keys and cards from sinking to the bottom.",
      "The straps are long enough to wear over a winter coat.",
      "A magnetic snap keeps it closed without fiddling."],
     ["内置拉链暗袋，钥匙卡包不再沉底。", "肩带长度刚好，冬天穿大衣也能轻松挎上肩。", "磁吸扣设计，开合方便又安全。"],
     capacity=("bag", [("12 L", "12L"), ("15 L", "15L")])),
   T("crossbody", "crossbody bag", "斜挎包", [("recycled nylon", "再生尼龙"), ("vegetable-tanned leather", "植鞣牛皮"), ("vegan leather", "超纤皮")],
     "black tan burgundy sage navy blush", (30, 85),
     ["An adjustable strap lets you wear it across the body or on one shoulder.",
      "It holds a phone, wallet, keys and a small water bottle.",
      "A rear slip pocket is the perfect place for a travel card."],
     ["肩带长度可调，斜挎单肩随心换。", "手机、钱包、钥匙、小水杯都装得下。", "背面插袋放交通卡，刷卡不用翻包。"],
     size=("dims", [("24 x 18 x 8 cm", "24×18×8cm"), ("22 x 15 x 6 cm", "22×15×6cm")])),
   T("weekender", "weekender bag", "旅行袋", [("waxed canvas", "油蜡帆布"), ("cotton canvas", "棉帆布"), ("recycled nylon", "再生尼龙")],
     "navy forest black tan slate", (75, 140),
     ["A separate shoe compartment keeps the rest of your packing clean.",
      "The sleeve on the back slides over a suitcase handle.",
      "It meets most cabin bag limits, so you can skip the check-in queue."],
     ["独立鞋仓设计，鞋子衣服分开放更干净。", "背面拉杆套，可固定在行李箱上。", "符合多数航空公司登机尺寸，免去托运排队。"],
     capacity=("bag", [("35 L", "35L"), ("40 L", "40L"), ("45 L", "45L")])),
  ],
  use_en=["Take it to work, to the gym, or on a spontaneous weekend away.",
          "It is as happy on a bike commute as on a city break.",
          "Big enough for the day, small enough to not feel like luggage."],
  use_zh=["上班、健身、说走就走的周末旅行都能用。", "骑车通勤或城市旅行，一包搞定。", "装得多却不显笨重，日常出门刚刚好。"],
  care_en=["Wipe clean with a damp cloth; do not machine wash.",
           "Stuff it with paper when stored so it keeps its shape."],
  care_zh=["脏污用湿布擦拭即可，请勿机洗。", "闲置时塞入纸团存放，包型不易塌。"]),

 dict(key="home", en="Home Textiles", zh="家纺", code="HT",
  brands_en=["Dunmore Home", "Linnea", "Softhaus"], brands_zh=["棉眠", "暖岸家居", "木间"],
  types=[
   T("duvet", "duvet cover set", "被套四件套", [("washed linen", "水洗亚麻"), ("long-staple cotton", "长绒棉"), ("cotton sateen", "贡缎棉")],
     "white oat sage slate blush terracotta", (70, 160),
     ["The set includes a duvet cover and two pillowcases with envelope closures.",
      "Hidden button fastenings keep the duvet in place all night.",
      "It gets softer every time you wash it."],
     ["一套包含被套、床单和两个枕套，信封式枕套不露芯。", "被套开口采用隐形拉链，被芯不跑位。", "越洗越柔软，睡感一次比一次好。"],
     size=("dims", [("200 x 200 cm", "200×230cm"), ("230 x 220 cm", "220×240cm"), ("135 x 200 cm", "150×200cm")])),
   T("throw", "throw blanket", "沙发毯", [("chunky cotton knit", "粗棒针织棉"), ("merino wool", "美利奴羊毛"), ("cotton waffle", "华夫格纯棉")],
     "oat ivory sage mustard slate terracotta", (40, 95),
     ["Fringed edges add a relaxed, homely finish.",
      "It is warm without being heavy, perfect for draping over a sofa arm.",
      "Large enough to share on a film night."],
     ["流苏边设计，随手一搭就很有氛围。", "轻盈保暖不压身，搭在沙发扶手上就是风景。", "尺寸够大，两个人看电影也能一起盖。"],
     size=("dims", [("130 x 170 cm", "130×170cm"), ("150 x 200 cm", "150×200cm")])),
   T("towel", "bath towel", "浴巾", [("Turkish cotton", "土耳其棉"), ("bamboo fibre", "竹纤维"), ("cotton waffle", "华夫格纯棉")],
     "white ivory sage sky slate coral", (18, 38),
     ["Long loops soak up water fast and dry quickly on the rail.",
      "A hanging loop on one corner keeps the bathroom tidy.",
      "It stays fluffy wash after wash."],
     ["长毛圈设计，吸水快、干得也快。", "一角缝有挂绳，挂起来整洁又通风。", "反复洗涤依然蓬松柔软。"],
     size=("dims", [("70 x 140 cm", "70×140cm"), ("90 x 160 cm", "90×160cm")])),
   T("cushion", "cushion cover", "抱枕套", [("velvet", "丝绒"), ("washed linen", "水洗亚麻"), ("cotton bouclé", "棉质圈圈纱")],
     "mustard teal blush sage navy terracotta oat", (14, 30),
     ["A concealed zip lets you swap covers with the seasons.",
      "Piped edges give a crisp, tailored outline.",
      "Pair two different shades for an easy, layered look."],
     ["隐形拉链设计，换季更换很方便。", "包边工艺，轮廓利落有型。", "两种颜色混搭，沙发立刻有层次感。"],
     size=("dims", [("45 x 45 cm", "45×45cm"), ("50 x 50 cm", "50×50cm"), ("30 x 50 cm", "30×50cm")])),
  ],
  use_en=["It brings a calm, finished feel to a bedroom or living room.",
          "Mix it with pieces you already own; it is designed to blend in.",
          "Refreshing a room can be as simple as this."],
  use_zh=["放在卧室或客厅，家里立刻多了几分温馨。", "和家里现有软装都好搭，不挑风格。", "花小钱换新家，从一件软装开始。"],
  care_en=["Machine wash at 40 degrees and tumble dry on low.",
           "Wash before first use to bring out the softness.",
           "Dry out of direct sun to keep the colour rich."],
  care_zh=["可40度机洗，低温烘干。", "首次使用前建议先洗一遍，手感更柔软。", "阴凉处晾干，颜色更持久。"]),

 dict(key="kitchen", en="Kitchen", zh="厨房用品", code="KT",
  brands_en=["Copperleaf", "Hearthwell", "Kova Kitchen"], brands_zh=["厨里", "食光", "灶友"],
  types=[
   T("kettle", "electric kettle", "电热水壶", [("brushed stainless steel", "拉丝不锈钢"), ("borosilicate glass", "高硼硅玻璃")],
     "silver black white sage slate", (35, 70),
     ["Boil-dry protection switches it off automatically if it runs empty.",
      "A limescale filter in the spout keeps your tea clear.",
      "The base turns 360 degrees, so it works for left and right hands."],
     ["防干烧保护，无水自动断电更安心。", "壶嘴内置滤网，水垢不入杯。", "360度旋转底座，左右手都好用。"],
     capacity=("kettle", [("1.5 L", "1.5L"), ("1.7 L", "1.7L")]), power=("kettle", [("2200 W", "1800W"), ("3000 W", "2200W")])),
   T("pan", "frying pan", "不粘煎锅", [("cast iron", "铸铁"), ("ceramic-coated aluminium", "陶瓷涂层铝"), ("tri-ply stainless steel", "三层复合不锈钢")],
     "black slate sage terracotta", (28, 75),
     ["It works on every hob, induction included.",
      "It heats evenly, so the middle of the pan does not burn while the edges wait.",
      "The handle stays cool and is oven-safe."],
     ["燃气灶、电磁炉都能用。", "受热均匀，锅中心不糊、锅边也熟得快。", "手柄防烫，还可以直接进烤箱。"],
     size=("pan", [("24 cm", "24cm"), ("28 cm", "28cm"), ("30 cm", "30cm")])),
   T("knife", "chef's knife", "主厨刀", [("Damascus steel", "大马士革钢"), ("high-carbon stainless steel", "高碳不锈钢")],
     "black walnut silver", (45, 120),
     ["The blade is hand-sharpened to a 15-degree edge.",
      "A full tang and balanced handle give real control.",
      "It glides through onions, herbs and crusty bread alike."],
     ["刀刃经手工开锋，锋利持久。", "全龙骨设计，重心平衡，握感稳。", "切菜、剁肉、切面包，一把全搞定。"],
     size=("blade", [("20 cm", "20cm"), ("18 cm", "18cm")])),
   T("containers", "food storage set", "保鲜盒套装", [("borosilicate glass", "高硼硅玻璃"), ("food-grade silicone", "食品级硅胶")],
     "sky sage white slate", (18, 40),
     ["The lids lock on four sides and are fully leak-proof.",
      "Every box goes from freezer to microwave to dishwasher.",
      "The boxes stack neatly, so your fridge stays organised."],
     ["四边锁扣密封，汤汤水水也不漏。", "冷冻、微波、洗碗机都能用。", "可叠放收纳，冰箱整齐又省空间。"],
     capacity=("container", [("3 x 640 ml", "3×640ml"), ("4 x 400 ml", "4×400ml"), ("1 L", "1L")])),
  ],
  use_en=["A kitchen workhorse that earns its space on the counter.",
          "Whether you cook every night or once a week, it makes the job easier.",
          "It makes a great housewarming present."],
  use_zh=["厨房里的实力担当，值得留在台面上。", "不管是天天下厨还是偶尔做饭，都能轻松上手。", "乔迁送礼也很体面。"],
  care_en=["Hand wash and dry straight away to keep it looking new.",
           "Avoid abrasive scourers; a soft sponge is all it needs."],
  care_zh=["建议手洗，洗后及时擦干。", "请勿使用钢丝球，用软布或海绵清洁即可。"]),

 dict(key="electronics", en="Electronics Accessories", zh="数码配件", code="EA",
  brands_en=["Voltora", "Plugwise", "Northcell"], brands_zh=["极充", "闪电仓", "数合"],
  types=[
   T("powerbank", "power bank", "充电宝", [("aluminium alloy", "铝合金"), ("recycled plastic", "再生塑料")],
     "black white spacegrey sage midnight", (25, 60),
     ["Charge two devices at once from the USB-C and USB-A ports.",
      "A small display shows exactly how much charge is left.",
      "It is cabin-safe, so it can come with you on the plane."],
     ["USB-C与USB-A双口输出，两台设备同时充。", "数显电量，剩余多少一目了然。", "符合登机要求，出差旅行随身带。"],
     capacity=("battery", [("10000 mAh", "10000mAh"), ("20000 mAh", "20000mAh")]), power=("charger", [("20 W", "22.5W"), ("30 W", "30W"), ("65 W", "65W")])),
   T("charger", "USB-C wall charger", "氮化镓充电器", [("recycled plastic", "再生塑料"), ("aluminium alloy", "铝合金")],
     "white black spacegrey", (19, 55),
     ["Gallium nitride parts make it much smaller than an ordinary brick.",
      "Smart power sharing sends the right current to each device.",
      "The folding prongs slip into a pocket without snagging."],
     ["采用氮化镓芯片，体积比普通充电头小一圈。", "智能分配功率，多设备同充也稳定。", "插脚可折叠，放口袋不硌不勾。"],
     power=("charger", [("30 W", "30W"), ("65 W", "65W"), ("100 W", "100W")])),
   T("cable", "USB-C cable", "数据线", [("braided nylon", "编织尼龙"), ("liquid silicone", "液态硅胶")],
     "black white sage coral spacegrey", (9, 22),
     ["It is tested to survive more than 20,000 bends.",
      "It supports fast charging and data transfer in one cable.",
      "A strap keeps it coiled neatly in your bag."],
     ["通过两万次以上弯折测试，经久耐用。", "快充与数据传输一线搞定。", "附赠理线扣，收纳整齐不打结。"],
     size=("length", [("1 m", "1米"), ("2 m", "2米")]), power=("cable", [("60 W", "60W"), ("100 W", "100W")])),
   T("stand", "laptop stand", "笔记本支架", [("aluminium alloy", "铝合金")],
     "silver spacegrey black", (29, 60),
     ["Raise your screen to eye level and your neck will thank you.",
      "It folds flat to slip into a laptop bag.",
      "Soft pads keep the laptop from sliding and scratching."],
     ["屏幕抬高到视线高度，告别低头伤颈。", "可折叠收纳，轻松放进电脑包。", "防滑软垫，稳稳托住不刮花。"],
     size=("screen", [("11-16 inch laptops", "11-16英寸")])),
  ],
  use_en=["Keep one at your desk and one in your bag.",
          "Built for home offices, coffee shops and long train journeys.",
          "It is a small upgrade that tidies up your whole setup."],
  use_zh=["办公桌放一个，包里备一个。", "居家办公、咖啡馆、长途高铁都用得上。", "小小升级，让桌面清爽不少。"],
  care_en=["Backed by an 18-month warranty.",
           "Certified for safety and tested for heat and overload."],
  care_zh=["享18个月质保，售后无忧。", "通过安全认证，过热、过载多重保护。"]),

 dict(key="beauty", en="Beauty", zh="美妆个护", code="BT",
  brands_en=["Marlow Skin", "Petal & Pine", "Oriel"], brands_zh=["植萃", "晨露", "素肌"],
  types=[
   T("serum", "hydrating face serum", "补水精华液", [("hyaluronic acid", "玻尿酸"), ("niacinamide", "烟酰胺")],
     "amber white", (18, 42),
     ["It sinks in within seconds and leaves no sticky film.",
      "It is fragrance-free and gentle enough for sensitive skin.",
      "Three drops morning and night are all you need."],
     ["质地轻薄，几秒吸收，不黏腻。", "无香精配方，敏感肌也能用。", "早晚各取三滴，轻拍至吸收即可。"],
     capacity=("beauty", [("30 ml", "30ml"), ("50 ml", "50ml")])),
   T("handcream", "hand cream", "护手霜", [("shea butter", "乳木果油"), ("sweet almond oil", "甜杏仁油")],
     "sage ivory blush lavender", (8, 18),
     ["It softens dry knuckles without leaving greasy fingerprints.",
      "A light herbal scent fades after a few minutes.",
      "Small enough to live in a coat pocket."],
     ["滋润干裂指节，不留油腻指纹。", "淡淡草本香，几分钟后自然散去。", "小巧一支，放口袋随时涂。"],
     capacity=("beauty", [("50 ml", "50ml"), ("75 ml", "75ml")])),
   T("lotion", "body lotion", "身体乳", [("shea butter", "乳木果油"), ("ceramides", "神经酰胺")],
     "ivory sage lavender oat", (12, 28),
     ["A pump bottle makes it easy to use with one hand.",
      "It absorbs quickly, so you can get dressed straight away.",
      "Skin stays soft all day, even in winter."],
     ["按压瓶设计，单手就能取用。", "吸收很快，涂完马上就能穿衣服。", "一整天肌肤都柔软，冬天也不干痒。"],
     capacity=("beauty", [("250 ml", "250ml"), ("400 ml", "400ml")])),
   T("lipbalm", "tinted lip balm", "有色润唇膏", [("shea butter", "乳木果油"), ("jojoba oil", "荷荷巴油")],
     "coral blush red", (6, 14),
     ["A sheer tint gives a natural flush of colour.",
      "It keeps lips moisturised for hours.",
      "It glides on smoothly, no mirror needed."],
     ["淡淡一抹，自然好气色。", "持久锁水，双唇一整天都滋润。", "顺滑好涂，不照镜子也不出错。"],
     capacity=("beauty", [("4.5 g", "4.5g")])),
  ],
  use_en=["Keep it by the sink, in your bag, or on your desk.",
          "It slots into a morning routine in under a minute.",
          "A lovely little gift for someone who deserves a treat."],
  use_zh=["放在洗手台、包里或办公桌上都方便。", "早晨护肤一分钟就能完成。", "当作小礼物送闺蜜也很贴心。"],
  care_en=["Cruelty-free and never tested on animals.",
           "Store away from direct sunlight.",
           "Patch test before first use."],
  care_zh=["零动物测试，安心使用。", "请避光阴凉处保存。", "初次使用前建议先在耳后试用。"],
  # For cosmetics the "material" is the key ingredient of the formula.
  colour_en=["Shown in {colour}.", "This is the {colour} edition.", "{colour} is a favourite with our customers.",
             "The {colour} version looks lovely on a bathroom shelf.", "Choose the {colour} one, our most gifted shade."],
  material_en=["The formula is built around {material}.", "{material} is the star ingredient here.",
               "With {material} to keep skin comfortable.", "We chose {material} for how kind it is to skin.",
               "Its key ingredient is {material}, at a level that actually makes a difference."],
  both_en=["The {colour} edition, made with {material}.", "Made with {material}; shown in {colour}.",
           "{colour} outside, {material} inside."],
  colour_zh=["图中为{colour}款。", "这款是{colour}，很多顾客回购。", "{colour}款，颜值很高。", "{colour}这一款，送人很有面子。"],
  material_zh=["核心成分是{material}。", "添加{material}，温和不刺激。", "{material}配方，用起来很安心。",
               "主打{material}成分，效果看得见。", "我们选择{material}，因为它对肌肤足够温柔。"],
  both_zh=["{colour}款，添加{material}。", "{material}配方，{colour}款。", "这款{colour}，主打{material}成分。"],
  headlines_en=["Meet the {brand} {type}", "New: {colour} {type}", "{type} with {material}", "Your new favourite {type}",
                "Soft skin, every day", "The {brand} {type}", "Back in stock: {type}"],
  bodies_en=["{type} with {material}, in {colour}. Gentle, effective, cruelty-free.",
             "Meet the {brand} {type}: {material} for soft, happy skin. Shop now.",
             "Our {colour} {type} with {material}. Free returns for 30 days.",
             "Soft skin starts here: {brand} {type} with {material}, now in {colour}."],
  headlines_zh=["{material}配方{type}", "{brand}{type}，{colour}上新", "好用不贵的{type}", "这款{type}，真的值",
                "{brand}好物推荐", "天天都想用的{type}"],
  bodies_zh=["{brand}{type}，添加{material}，{colour}款，温和好用，点击选购。",
             "{material}配方的{type}，{colour}款上新，敏感肌也能用。",
             "天天都在用的{type}，{material}成分，{brand}出品，{colour}款放心入手。",
             "{colour}款{type}回归！主打{material}，库存有限，喜欢就加购吧。"]),

 dict(key="toys", en="Toys", zh="玩具", code="TY",
  brands_en=["Little Acre", "Pip & Puffin", "Woodhollow"], brands_zh=["童趣岛", "小树苗", "乐小木"],
  types=[
   T("blocks", "wooden block set", "木质积木", [("beech wood", "榉木"), ("FSC-certified pine", "FSC认证松木")],
     "ivory sky coral sage mustard", (22, 48),
     ["Smooth, rounded edges make every piece safe for small hands.",
      "The set includes arches, cylinders and bridges for endless builds.",
      "Everything packs back into a sturdy storage box."],
     ["边角打磨圆润，小手抓握更安全。", "拱门、圆柱、桥梁等多种形状，搭法无穷。", "附带收纳箱，玩完收起来整整齐齐。"],
     age=("toy", AGES[:3]), size=("count", [("50 pieces", "50粒"), ("100 pieces", "100粒")])),
   T("plush", "plush bunny", "毛绒兔子", [("organic cotton", "有机棉"), ("recycled polyester", "再生涤纶")],
     "oat blush lavender sky ivory", (15, 32),
     ["Embroidered eyes mean there are no small parts to pull off.",
      "Floppy ears and a soft tummy make it perfect for cuddles.",
      "It is just the right size to carry everywhere."],
     ["眼睛采用刺绣工艺，没有可脱落的小零件。", "软软的耳朵和肚子，最适合抱着睡觉。", "大小刚好，走到哪儿都能带着。"],
     age=("toy", AGES[:2]), size=("dims", [("30 cm", "30cm"), ("40 cm", "40cm")])),
   T("bike", "balance bike", "儿童平衡车", [("birch plywood", "桦木多层板"), ("lightweight aluminium", "轻量铝合金")],
     "red sky mustard sage navy", (60, 110),
     ["Puncture-proof tyres mean no flat tyres on the way to the park.",
      "The seat adjusts as your child grows.",
      "Learning to balance first makes the move to pedals much easier."],
     ["免充气轮胎，不怕扎胎。", "座椅高度可调，陪孩子一起长大。", "先学平衡，以后学骑自行车更轻松。"],
     age=("toy", AGES[1:3])),
   T("puzzle", "jigsaw puzzle", "拼图", [("recycled cardboard", "再生纸板"), ("birch plywood", "桦木多层板")],
     "sky coral mustard sage", (9, 25),
     ["Thick pieces are easy to pick up and hard to bend.",
      "The picture is full of little animals to spot and name.",
      "A poster of the finished picture is included to help."],
     ["拼块厚实，好拿不易折。", "画面里藏着许多小动物，边拼边认。", "附带完整参考图，拼起来不迷路。"],
     age=("toy", AGES[1:]), size=("count", [("24 pieces", "24片"), ("48 pieces", "48片"), ("100 pieces", "100片")])),
  ],
  use_en=["Great for quiet play at home or a rainy afternoon.",
          "It encourages imaginative, screen-free play.",
          "A birthday present that parents will approve of too."],
  use_zh=["适合在家安静玩耍，下雨天也不无聊。", "远离屏幕，培养孩子的想象力。", "生日礼物的好选择，家长也放心。"],
  care_en=["Tested to EN 71 toy safety standards.",
           "Finished with water-based, child-safe paints.",
           "Wipe clean with a damp cloth."],
  care_zh=["通过玩具安全标准检测。", "采用水性环保漆，安全无异味。", "脏了用湿布擦一擦即可。"]),

 dict(key="sports", en="Sports", zh="运动户外", code="SP",
  brands_en=["Peakline", "Fathom Sport", "Ridgeback"], brands_zh=["动力派", "山野", "跃动"],
  types=[
   T("yogamat", "yoga mat", "瑜伽垫", [("natural rubber", "天然橡胶"), ("TPE", "TPE")],
     "sage lavender teal slate coral black", (28, 70),
     ["A grippy surface holds firm even when your hands get sweaty.",
      "Alignment lines help you place your hands and feet.",
      "A carry strap is included for the walk to class."],
     ["表面防滑纹理，出汗也不打滑。", "带体位线设计，动作更标准。", "附赠背带，去上课方便携带。"],
     size=("dims", [("183 x 61 cm", "183×61cm"), ("185 x 68 cm", "185×68cm")])),
   T("bottle", "insulated water bottle", "保温运动水壶", [("18/8 stainless steel", "18/8不锈钢")],
     "black sage teal coral navy white", (18, 35),
     ["Double walls keep drinks cold for 24 hours or hot for 12.",
      "A leak-proof lid means it can ride in your bag on its side.",
      "The wide mouth takes ice cubes and is easy to clean."],
     ["双层真空，保冷24小时、保温12小时。", "杯盖密封防漏，横放包里也不怕。", "大口径设计，放冰块、清洗都方便。"],
     capacity=("bottle", [("500 ml", "500ml"), ("750 ml", "750ml"), ("1 L", "1L")])),
   T("poles", "trekking pole pair", "登山杖", [("carbon fibre", "碳纤维"), ("lightweight aluminium", "轻量铝合金")],
     "black slate forest red", (45, 95),
     ["Flick locks adjust the length in seconds, even with gloves on.",
      "Padded grips stay comfortable in warm and cold weather.",
      "Both poles fold down small enough to strap to a daypack."],
     ["快锁设计，戴着手套也能几秒调节长度。", "防滑握把冷暖天气都舒适。", "收起来很短，可挂在背包上。"],
     size=("length", [("105-135 cm", "105-135cm"), ("110-140 cm", "110-140cm")])),
   T("rope", "speed skipping rope", "计数跳绳", [("PVC-coated steel cable", "包胶钢丝")],
     "black coral sky mustard", (9, 22),
     ["Ball-bearing handles spin smoothly at any speed.",
      "The length is easy to adjust to your height.",
      "It is the simplest cardio kit you will ever own."],
     ["轴承手柄，转速再快也顺滑。", "绳长可调，按身高轻松调整。", "最简单的有氧装备，随时随地练起来。"],
     size=("length", [("3 m", "3米")])),
  ],
  use_en=["Ideal for the gym, the park or the living-room floor.",
          "Built for training hard, week in, week out.",
          "Whether you are just starting or training for an event, it keeps up."],
  use_zh=["健身房、公园、客厅都能练。", "经得起日复一日的高强度训练。", "新手入门或备战比赛都合适。"],
  care_en=["Rinse after use and let it air dry.",
           "Store out of direct sunlight to keep it at its best."],
  care_zh=["使用后清水冲洗，自然晾干。", "避免长时间暴晒，延长使用寿命。"]),

 dict(key="stationery", en="Stationery", zh="文具", code="ST",
  brands_en=["Quillhouse", "Paperkin", "Ledger & Lane"], brands_zh=["纸上", "笔记时光", "青简"],
  types=[
   T("notebook", "dotted notebook", "点阵笔记本", [("recycled paper", "再生纸"), ("100 gsm acid-free paper", "100克无酸纸")],
     "navy forest terracotta black mustard sage", (9, 22),
     ["Numbered pages and an index make your notes easy to find.",
      "The pages lie flat, so writing right into the spine is easy.",
      "Fountain pen ink does not bleed through the thick pages."],
     ["页码加目录页，找笔记一翻就到。", "锁线装订可180度平摊，书写不卡手。", "纸张厚实，钢笔书写不洇不透。"],
     size=("paper", [("A5", "A5"), ("B5", "B5"), ("A6", "A6")])),
   T("pen", "fountain pen", "钢笔", [("brass", "黄铜"), ("acrylic resin", "亚克力树脂")],
     "black navy burgundy teal silver", (25, 80),
     ["The nib writes smoothly straight out of the box.",
      "It takes standard ink cartridges or the included converter.",
      "Its weight sits nicely in the hand for long writing sessions."],
     ["笔尖顺滑，开箱即写，出水流畅。", "兼容通用墨囊，附赠吸墨器。", "配重均衡，长时间书写也不累手。"],
     size=("nib", [("fine nib", "细尖"), ("medium nib", "中尖")])),
   T("organiser", "desk organiser", "桌面收纳盒", [("walnut wood", "胡桃木"), ("powder-coated steel", "烤漆钢板")],
     "walnut black white sage", (24, 55),
     ["Separate compartments keep pens, notes and cables in their place.",
      "A slot at the back holds your phone upright.",
      "It turns a cluttered desk into a calm one in minutes."],
     ["分格设计，笔、便签、数据线各归其位。", "后方卡槽可立放手机。", "几分钟就让凌乱的桌面变整洁。"],
     size=("dims", [("30 x 12 x 10 cm", "30×12×10cm")])),
   T("pencilcase", "pencil case", "笔袋", [("wool felt", "羊毛毡"), ("cotton canvas", "棉帆布")],
     "slate mustard navy blush", (8, 18),
     ["It holds up to 30 pens without bulging.",
      "A wide opening lets you see everything at a glance.",
      "A loop on the side takes a ruler or a pair of scissors."],
     ["可容纳30支笔，装满也不鼓包。", "大开口设计，文具一目了然。", "侧面有挂环，可挂尺子或剪刀。"],
     size=("dims", [("21 x 9 cm", "21×9cm")])),
  ],
  use_en=["For lists, lesson plans, sketches and the occasional big idea.",
          "Students, planners and doodlers all love it.",
          "Make your desk a place you want to sit down at."],
  use_zh=["记清单、做计划、画草图，灵感随时落笔。", "学生党、手帐控、涂鸦爱好者都喜欢。", "让书桌变成想坐下来的地方。"],
  care_en=["Wrapped in plastic-free packaging.",
           "Designed to be used up, not saved for best."],
  care_zh=["无塑料包装，环保又安心。", "好文具就是用来写的，别舍不得用。"]),

 dict(key="pets", en="Pet Supplies", zh="宠物用品", code="PT",
  brands_en=["Pawline", "Good Boy Goods", "Whisker & Co"], brands_zh=["萌爪", "汪喵家", "宠乐"],
  types=[
   T("harness", "dog harness", "狗狗胸背带", [("padded nylon webbing", "加厚尼龙织带"), ("recycled polyester", "再生涤纶")],
     "coral teal black navy mustard", (18, 40),
     ["Two lead attachment points help discourage pulling.",
      "Four adjustment points give a snug fit that does not rub.",
      "Reflective stitching keeps your dog visible on night walks."],
     ["前后双牵引扣，有效减少暴冲。", "四点可调，贴合不勒不磨。", "反光缝线设计，夜间遛狗更安全。"],
     size=PET_SIZES),
   T("bed", "pet bed", "宠物窝", [("cotton canvas", "棉帆布"), ("faux sheepskin", "仿羊羔绒")],
     "slate oat sage navy", (30, 75),
     ["Raised sides give your pet something to rest its chin on.",
      "The cover unzips and goes in the washing machine.",
      "A non-slip base keeps it in place on hard floors."],
     ["四周加高靠枕，趴着睡更有安全感。", "外套可拆卸机洗，干净卫生。", "底部防滑，木地板上也不乱跑。"],
     size=("dims", [("60 x 45 cm", "60×45cm"), ("80 x 60 cm", "80×60cm"), ("100 x 70 cm", "100×70cm")])),
   T("bowl", "raised pet bowl", "宠物餐碗", [("stoneware", "陶瓷"), ("stainless steel", "不锈钢")],
     "white sage terracotta blush", (12, 30),
     ["The raised base takes strain off your pet's neck.",
      "A heavy base stops it sliding across the floor at dinner time.",
      "Dishwasher safe, so cleaning up takes seconds."],
     ["加高设计，吃饭不用低头，保护颈椎。", "底座稳重，吃饭时不推不翻。", "可放洗碗机，清洗方便。"],
     capacity=("bowl", [("400 ml", "400ml"), ("700 ml", "700ml")])),
   T("scratcher", "cat scratcher", "猫抓板", [("corrugated cardboard", "瓦楞纸"), ("sisal rope", "剑麻")],
     "oat walnut slate", (12, 35),
     ["It gives claws a better target than your sofa.",
      "Cats love the curved shape for lounging as well as scratching.",
      "A pinch of catnip is included to get things started."],
     ["给猫咪一个比沙发更好的磨爪去处。", "弧形设计，能抓能躺，猫咪超爱。", "附赠猫薄荷，吸引主子快速上手。"],
     size=("dims", [("48 x 25 cm", "48×25cm")])),
  ],
  use_en=["Designed with vets and tested by our own dogs and cats.",
          "A little upgrade your pet will thank you for.",
          "Good for puppies and kittens, and for older pets too."],
  use_zh=["与宠物医生一起设计，自家毛孩子亲测。", "给毛孩子的小升级，它会感谢你的。", "幼宠、老宠都适用。"],
  care_en=["Check the fit and wear regularly.",
           "Spot clean or wash on a gentle cycle."],
  care_zh=["请定期检查磨损情况。", "局部污渍可手洗，也可轻柔模式机洗。"]),
]

# --------------------------------------------------------------------------
# Sentence pools shared by all categories. Fields: brand type colour material
# size fit capacity power age. Each sentence names only the row's own values.
# --------------------------------------------------------------------------

OPENERS_EN = [
 "Meet the {brand} {type}.",
 "Meet the {brand} {type} in {colour}.",
 "The {brand} {type} is the one you will reach for first.",
 "Made for everyday use, this {type} from {brand} keeps things simple.",
 "{brand} designed this {type} around one idea: do the basics really well.",
 "Say hello to our {colour} {type}.",
 "A new favourite from {brand}: the {material} {type}.",
 "Looking for a {type} that lasts? This one from {brand} is built to.",
 "Our best-selling {type} is back, now in {colour}.",
 "Simple, sturdy and good-looking, the {brand} {type} ticks every box.",
 "This {colour} {type} brings a quiet bit of style to your day.",
 "Here is a {type} that earns its place.",
 "Good design does not shout, and this {brand} {type} proves it.",
 "The {type} you have been looking for, made by {brand}.",
 "{brand} makes things to be used, and this {type} is no exception.",
 "Small details make all the difference in this {type} from {brand}.",
 "Upgrade your everyday with the {brand} {type}.",
 "Thoughtfully made and easy to love: the {brand} {type}.",
 "There is a lot to like about this {material} {type}.",
 "If you only buy one {type} this season, make it this one.",
 "Clean lines and honest materials define the {brand} {type}.",
 "From the {brand} workshop comes a {type} made to keep up with real life.",
 "We made this {type} for people who care how things are made.",
 "Some things are worth getting right, and a good {type} is one of them.",
 "Fresh from {brand}, a {colour} {type} with nothing to prove.",
 "You asked, we listened: the {brand} {type} now comes in {colour}.",
]

COLOUR_EN = [
 "The {colour} shade is easy to pair with what you already own.",
 "We chose {colour} because it looks good now and will still look good in five years.",
 "In {colour}, it feels fresh without being loud.",
 "{colour} is one of our most popular shades for a reason.",
 "The {colour} colourway works in almost any setting.",
 "Choose {colour} for a look that feels considered.",
 "The {colour} tone is rich and even, batch after batch.",
 "This one is {colour}, a shade that sits comfortably alongside neutrals and brights alike.",
 "Finished in {colour}, it looks as good on display as it does in use.",
 "{colour} suits it perfectly.",
 "The colour is {colour}, photographed in daylight so what you see is what you get.",
 "Pick {colour} if you like things that go with everything.",
 "Shown here in {colour}.",
]

MATERIAL_EN = [
 "It is made from {material}, chosen for how well it wears over time.",
 "We use {material} because it holds up to daily use.",
 "The {material} feels good in the hand and looks better with age.",
 "Made of {material}, it is built to last rather than to be replaced.",
 "{material} gives it a solid, quality feel.",
 "At its heart is {material}, sourced from suppliers we have worked with for years.",
 "The choice of {material} keeps it practical without cutting corners.",
 "Every piece is made from {material} and checked by hand before it ships.",
 "Thanks to the {material}, it keeps its good looks season after season.",
 "We kept the material list short: {material}, and nothing you do not need.",
 "Crafted from {material}, it strikes a balance between weight and strength.",
 "The {material} is the first thing people notice.",
]

COLOUR_MATERIAL_EN = [
 "It comes in {colour} {material}.",
 "This version is made in {colour} {material}.",
 "Ours is made from {material} and finished in {colour}.",
 "Choose it in {colour}, made from {material}.",
 "{material} in {colour}: simple, and exactly right.",
 "Made from {material}, finished in {colour}.",
 "The combination of {material} and a {colour} finish is hard to beat.",
 "{colour} on the outside, {material} through and through.",
]

CLOSERS_EN = [
 "Easy to love, easy to live with.",
 "A small upgrade you will notice every day.",
 "It also makes a thoughtful gift.",
 "Order today and it ships within two working days.",
 "Add it to your basket before it sells out.",
 "Backed by our 30-day no-fuss returns.",
 "Made to be used, not kept for best.",
 "You will wonder how you managed without it.",
 "Treat yourself, or someone you like.",
 "Once you try it, there is no going back.",
 "Quietly brilliant, just like it should be.",
 "Buy once, use for years.",
 "Good things, made properly.",
 "Pair it with other pieces from {brand} for a matching set.",
 "A reliable choice at a fair price.",
 "Great on its own and even better as a gift.",
 "Free delivery on every order this month.",
]

OPENERS_ZH = [
 "{brand}这款{type}，{colour}配色，低调又耐看。",
 "一直在找好用的{type}？试试{brand}这一款。",
 "{brand}{type}上新啦！",
 "简约不简单，{brand}{type}把细节做到位。",
 "这是一款日常离不开的{type}，出自{brand}。",
 "{brand}经典款{type}，老顾客回购率超高。",
 "好物不用多，一{cl}好{type}就能用很久。",
 "为日常而设计的{brand}{type}，用料扎实，做工讲究。",
 "颜值和实用兼得的{type}，来自{brand}。",
 "{colour}的{type}，一眼就心动。",
 "{brand}用心打磨的一款{type}。",
 "这款{material}{type}，是我们店里的人气单品。",
 "{brand}{type}全新升级，细节更用心。",
 "想要一{cl}经得起天天用的{type}？选它准没错。",
 "把生活过得讲究一点，从一{cl}好{type}开始。",
 "{brand}出品，{type}里的实力派。",
 "不跟风、不花哨，{brand}{type}只把基础做好。",
 "每天都想用的{type}，{brand}做到了。",
 "店里热卖的{type}，{colour}款终于补货了。",
 "质感在线的{brand}{type}，入手不后悔。",
 "很多顾客点名要的{type}，这次{brand}带来了{colour}款。",
 "第一眼就被这款{colour}{type}圈粉了。",
 "{brand}家的{type}，用过的都说好。",
 "认真做好一{cl}{type}，是{brand}的坚持。",
]

COLOUR_ZH = [
 "{colour}百搭耐看，怎么配都不出错。",
 "选用{colour}，清爽又不失质感。",
 "{colour}的色调很耐看，放在哪里都和谐。",
 "这次推出的是{colour}，实物与图片几乎无色差。",
 "{colour}高级耐看，越看越有味道。",
 "颜色是{colour}，日常百搭，不挑场合。",
 "我们很喜欢这个{colour}，有质感又有个性。",
 "{colour}配色干净利落，适合追求简约的你。",
 "经典的{colour}，经得起时间考验。",
 "{colour}这个颜色，真的很难不爱。",
 "{colour}看着舒服，不容易审美疲劳。",
 "图片为{colour}实拍，自然光下拍摄。",
]

MATERIAL_ZH = [
 "采用{material}，耐用又安心。",
 "{material}材质，质感在线，越用越有味道。",
 "主体选用{material}，经久耐用。",
 "用料是实打实的{material}，细节经得起推敲。",
 "{material}打造，质感一眼可见。",
 "我们坚持用{material}，只为让它陪你更久。",
 "精选{material}，每一件出厂前都经过人工检查。",
 "选用优质{material}，品质看得见。",
 "{material}用料，不偷工减料。",
 "它由{material}制成，结实耐用。",
 "{material}的质感，摸过就知道。",
]

COLOUR_MATERIAL_ZH = [
 "{colour}搭配{material}，简约又高级。",
 "{material}材质配上{colour}，质感满分。",
 "本款为{colour}，{material}材质。",
 "{material}加{colour}，经典组合不会错。",
 "选用{material}，外观为{colour}。",
 "{colour}外观，{material}用料，里外都讲究。",
]

CLOSERS_ZH = [
 "喜欢就赶紧加购吧！",
 "自用送礼都很合适。",
 "支持七天无理由退换，放心购买。",
 "下单后48小时内发货。",
 "一件好物，能用上好几年。",
 "用过就回不去了。",
 "库存有限，先到先得。",
 "给生活添一点小确幸。",
 "值得放进购物车的一件好物。",
 "性价比很高，闭眼入不踩雷。",
 "品质有保障，售后无忧。",
 "搭配{brand}其他单品，效果更佳。",
 "买过的顾客都说好。",
 "好东西，经得起时间。",
 "满99元包邮。",
]

# Attribute sentences, keyed by (attribute, kind). Each names the value.
ATTR_EN = {
 ("size", "apparel"): ["This listing is for size {size}.", "You are looking at size {size}; check the size guide if you are between sizes.",
                       "Size {size} shown here fits true to size.", "Available here in size {size}."],
 ("size", "shoe"): ["This pair is {size}.", "Shown in {size}, which fits true to size.", "Sized {size}; if you are between sizes, go up."],
 ("size", "dims"): ["It measures {size}.", "Dimensions: {size}.", "At {size}, it is generously sized without taking over.", "The size is {size}."],
 ("size", "pan"): ["This is the {size} pan, ideal for two to four people.", "At {size} across, it is the size you will use most.", "Diameter: {size}."],
 ("size", "blade"): ["The blade is {size} long, the most versatile length in the kitchen.", "A {size} blade handles almost every job.", "Blade length: {size}."],
 ("size", "length"): ["It is {size} long.", "The length is {size}, enough to reach without stretching.", "Length: {size}."],
 ("size", "screen"): ["It fits {size}.", "Made for {size}."],
 ("size", "count"): ["There are {size} in the box.", "It comes with {size}.", "{size} in total, plenty to share."],
 ("size", "set"): ["This is the {size} set.", "The {size} set has everything you need.", "You get the {size} set in a gift box."],
 ("size", "paper"): ["It is {size} format, a size that fits most bags.", "This is the {size} size.", "Format: {size}."],
 ("size", "nib"): ["This one has a {size}.", "It comes with a {size}, great for everyday handwriting."],
 ("size", "pet"): ["This listing is for size {size}; please measure your pet before ordering.", "Size {size} shown.",
                   "Choose size {size} by measuring around the widest part of the chest."],
 ("fit", "apparel"): ["It has a {fit} that is comfortable all day.", "The cut is a {fit}, with room to move.",
                      "We went for a {fit}, so it layers easily.", "A {fit} keeps the look easy.", "The {fit} suits most body shapes."],
 ("fit", "shoe"): ["They are made on a {fit} last.", "This pair has a {fit}.", "Cut to a {fit}, so they feel right from the first day."],
 ("capacity", "bag"): ["The {capacity} main compartment swallows a jumper, a laptop and lunch.", "With {capacity} of space, it carries a full day's kit.",
                       "It holds {capacity}.", "Capacity: {capacity}."],
 ("capacity", "kettle"): ["It boils up to {capacity} at a time, enough for a full pot of tea.", "Capacity: {capacity}.", "The {capacity} jug suits a busy household."],
 ("capacity", "container"): ["The set is {capacity}, sized for leftovers and packed lunches.", "Capacity: {capacity}."],
 ("capacity", "battery"): ["The {capacity} battery charges a phone several times over.", "Capacity: {capacity}.", "With {capacity} on board, a long weekend away is covered."],
 ("capacity", "beauty"): ["Each one holds {capacity}.", "Size: {capacity}.", "A {capacity} pack lasts for weeks of daily use."],
 ("capacity", "bottle"): ["It holds {capacity}, enough for a long session.", "Capacity: {capacity}.", "The {capacity} size fits most cup holders."],
 ("capacity", "bowl"): ["Holds {capacity} of food or water.", "Capacity: {capacity}."],
 ("power", "kettle"): ["A {power} element brings water to the boil in a few minutes.", "Power: {power}.", "At {power}, it is quick without being noisy."],
 ("power", "charger"): ["{power} output fast-charges phones, tablets and many laptops.", "Output: {power}.", "It delivers up to {power}."],
 ("power", "cable"): ["Rated for {power} charging.", "It carries up to {power}, enough for most laptops."],
 ("age", "toy"): ["Recommended for {age}.", "Suitable for {age}.", "Age guide: {age}.", "Best for {age}, with a grown-up nearby for the youngest."],
}

ATTR_ZH = {
 ("size", "apparel"): ["本链接为{size}码。", "当前尺码为{size}码，拿不准可参考尺码表。", "{size}码，尺码标准，按平时穿的选就好。", "此款为{size}码。"],
 ("size", "shoe"): ["本款为{size}码。", "这双是{size}码，尺码标准。", "{size}码，脚背偏高的朋友建议选大一码。"],
 ("size", "dims"): ["尺寸为{size}。", "规格：{size}。", "{size}的尺寸，大小刚好。", "产品尺寸{size}。"],
 ("size", "pan"): ["锅径{size}，适合两到四人使用。", "{size}口径，家用最顺手。", "尺寸：{size}。"],
 ("size", "blade"): ["刃长{size}，家用最百搭的长度。", "{size}刀身，切、片、剁都得心应手。"],
 ("size", "length"): ["长度为{size}。", "线长{size}，够长不拖地。", "长度：{size}。"],
 ("size", "screen"): ["适配{size}笔记本。", "适用于{size}屏幕的笔记本电脑。"],
 ("size", "count"): ["一盒共{size}。", "规格：{size}。", "{size}，数量刚刚好。"],
 ("size", "set"): ["本款为{size}。", "规格：{size}。", "一套{size}，日常够用。"],
 ("size", "paper"): ["{size}尺寸，放进包里刚好。", "规格为{size}。", "开本：{size}。"],
 ("size", "nib"): ["本款为{size}。", "{size}笔尖，日常书写刚刚好。"],
 ("size", "pet"): ["本链接为{size}码，下单前请先量一下胸围。", "当前尺码：{size}码。", "{size}码，按胸围最宽处选择。"],
 ("fit", "apparel"): ["{fit}，上身利落有型。", "采用{fit}，活动自如。", "这款是{fit}，叠穿也不臃肿。", "{fit}设计，对身材很友好。"],
 ("fit", "shoe"): ["采用{fit}，穿着不挤脚。", "{fit}设计，上脚舒适。"],
 ("capacity", "bag"): ["{capacity}大容量，一天的装备都能装下。", "容量{capacity}，电脑、外套、午饭都放得下。", "容量：{capacity}。"],
 ("capacity", "kettle"): ["{capacity}容量，一次烧一壶茶刚刚好。", "容量：{capacity}。", "{capacity}大容量，全家够用。"],
 ("capacity", "container"): ["规格{capacity}，剩菜、便当都好装。", "容量：{capacity}。"],
 ("capacity", "battery"): ["{capacity}电芯，手机能充好几次。", "容量：{capacity}。", "{capacity}大容量，出门两三天也够用。"],
 ("capacity", "beauty"): ["净含量{capacity}。", "{capacity}装，天天用也能用好几周。", "规格：{capacity}。"],
 ("capacity", "bottle"): ["容量{capacity}，运动一整场都够喝。", "容量：{capacity}。", "{capacity}的大小，车载杯架也能放。"],
 ("capacity", "bowl"): ["容量{capacity}，装粮装水都合适。", "容量：{capacity}。"],
 ("power", "kettle"): ["{power}功率，几分钟就能烧开。", "功率：{power}。", "{power}加热快，声音还小。"],
 ("power", "charger"): ["{power}输出，手机、平板、部分笔记本都能快充。", "最大输出{power}。", "功率：{power}。"],
 ("power", "cable"): ["支持{power}快充。", "最高支持{power}，笔记本也能充。"],
 ("age", "toy"): ["适合{age}儿童。", "建议年龄：{age}。", "推荐{age}的小朋友使用。", "{age}的小朋友都能玩，年龄较小的请在家长陪同下使用。"],
}

HEADLINES_EN = [
 "Meet the {brand} {type}", "New: {colour} {type}", "The {type}, done right", "{type} in {colour}",
 "Your new favourite {type}", "{colour} {type} is here", "Made to last: {brand}", "{brand}: built for every day",
 "Everyday {type}", "The {brand} {type}", "{material}, made well", "Back in stock: {type}", "Good {type}, fair price",
]
BODIES_EN = [
 "{material} {type} in {colour}. Built to last, priced fairly. Shop now.",
 "Meet our {colour} {type}: {material}, well made, ready to ship.",
 "Made from {material} and finished in {colour}. Order today.",
 "Simple, sturdy {type} from {brand}. Now in {colour}.",
 "The {type} you'll use every day. {material}, {colour}, free returns.",
 "{brand} {type} in {colour}. Free returns for 30 days.",
 "{colour} {material}, made properly. Get yours today.",
 "Upgrade to the {brand} {type}: {material} in {colour}.",
 "Fresh {colour}, solid {material}. The {type} done right.",
 "{colour}, {material}, and built to last. Tap to shop.",
]
HEADLINES_ZH = [
 "{brand}{type}，{colour}上新", "好用不贵的{type}", "{colour}{type}，百搭耐看", "{material}{type}，经久耐用",
 "{brand}人气{type}回归", "这款{type}，真的值", "{colour}控必入", "新品{type}限时优惠", "{brand}好物推荐",
 "天天都想用的{type}", "{material}好物，品质看得见",
]
BODIES_ZH = [
 "{material}材质，{colour}配色，{brand}{type}日常百搭，点击选购。",
 "{brand}{type}，{material}打造，{colour}上新，七天无理由退换。",
 "{colour}的{type}，选用{material}，经久耐用，现在下单立享优惠。",
 "一{cl}好{type}能用好几年。{material}，{colour}，就选{brand}。",
 "{colour}{type}上新！{material}用料扎实，喜欢就加购吧。",
 "{brand}经典{type}，{colour}款，{material}材质，品质看得见。",
 "用料实在的{material}{type}，{colour}配色，自用送礼都合适。",
 "{colour}搭配{material}，{brand}{type}质感满分，库存有限。",
]

# --------------------------------------------------------------------------

# Chinese measure words (量词) of each product type: 一条浴巾, 一双靴子 …
MEASURE_WORDS = {
    "tee": "件", "hoodie": "件", "shirt": "件", "chinos": "条", "dress": "条",
    "trainers": "双", "boots": "双", "loafers": "双", "runners": "双",
    "backpack": "个", "tote": "个", "crossbody": "个", "weekender": "个",
    "duvet": "套", "throw": "条", "towel": "条", "cushion": "个",
    "kettle": "个", "pan": "口", "knife": "把", "containers": "套",
    "powerbank": "个", "charger": "个", "cable": "根", "stand": "个",
    "serum": "瓶", "handcream": "支", "lotion": "瓶", "lipbalm": "支",
    "blocks": "套", "plush": "只", "bike": "辆", "puzzle": "盒",
    "yogamat": "张", "bottle": "个", "poles": "副", "rope": "根",
    "notebook": "本", "pen": "支", "organiser": "个", "pencilcase": "个",
    "harness": "条", "bed": "个", "bowl": "个", "scratcher": "块",
}


def fix_articles(text):
    """a -> an before a vowel sound ("an Ivory", "an 18-month", but "a USB-C")."""
    def repl(m):
        word = m.group(2)
        vowel = word[:1].lower() in "aeiou" and not word.startswith(("U", "Eu", "eu", "one"))
        vowel = vowel or re.match(r"(8|11|18)(\b|\d{2}\b|[^0-9])", word) is not None
        return m.group(1) + ("n " if vowel else " ") + word
    return re.sub(r"\b([Aa]) ([\w-]+)", repl, text)


FIELD_RE = re.compile(r"\{(\w+)\}")
CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def fields(template):
    return set(FIELD_RE.findall(template))


def fill(template, values):
    return string.Formatter().vformat(template, (), values)


def cap_first(sentence):
    return sentence[:1].upper() + sentence[1:]


def applicable(pool, values):
    return [t for t in pool if fields(t) <= set(k for k, v in values.items() if v)]


def pick(rng, pool, values, avoid=()):
    """One template from pool whose fields the row has; prefer templates that
    name no value already said (avoid), so a value is rarely repeated."""
    ok = applicable(pool, values)
    fresh = [t for t in ok if not (fields(t) & set(avoid))]
    return rng.choice(fresh or ok) if ok else None


def compose_description(rng, cat, typ, values, lang):
    zh = lang == "zh"
    openers = OPENERS_ZH if zh else OPENERS_EN
    lang_key = "_zh" if zh else "_en"
    colour_pool = cat.get("colour" + lang_key, COLOUR_ZH if zh else COLOUR_EN)
    material_pool = cat.get("material" + lang_key, MATERIAL_ZH if zh else MATERIAL_EN)
    both_pool = cat.get("both" + lang_key, COLOUR_MATERIAL_ZH if zh else COLOUR_MATERIAL_EN)
    closers = CLOSERS_ZH if zh else CLOSERS_EN
    attr_pool = ATTR_ZH if zh else ATTR_EN
    feats = list(typ["feats_zh" if zh else "feats_en"])
    uses = cat["use_zh" if zh else "use_en"]
    cares = cat["care_zh" if zh else "care_en"]

    said = set()
    first = []
    # Most descriptions open with an opener; some lead with a feature or the
    # colour, as real shop copy does.
    r = rng.random()
    if r < 0.72:
        t = pick(rng, openers, values)
        first.append(t)
    elif r < 0.86:
        t = rng.choice(feats)
        feats.remove(t)
        first.append(t)
    else:
        first.append(pick(rng, both_pool, values))
    for t in first:
        said |= fields(t)

    middle = []
    if "colour" not in said and "material" not in said and rng.random() < 0.4:
        middle.append(pick(rng, both_pool, values))
    else:
        if "colour" not in said:
            middle.append(pick(rng, colour_pool, values))
        if "material" not in said:
            middle.append(pick(rng, material_pool, values))
    for t in middle:
        said |= fields(t)

    rng.shuffle(feats)
    body = feats[:rng.choice((1, 2, 2, 3))]
    for attr in ATTRS:
        if values.get(attr) and attr not in said:
            kind = typ["attrs"][attr][0]
            t = rng.choice(attr_pool[(attr, kind)])
            body.append(t)
            said |= fields(t)
    if rng.random() < 0.65:
        body.append(rng.choice(uses))
    rng.shuffle(body)
    # Colour and material sentences usually come early, sometimes later.
    if rng.random() < 0.75:
        sentences = first + middle + body
    else:
        sentences = first + body[:1] + middle + body[1:]
    if rng.random() < 0.45:
        sentences.append(rng.choice(cares))
    if rng.random() < 0.6:
        sentences.append(pick(rng, closers, values, avoid=said))

    out = [fill(t, values) for t in sentences]
    if zh:
        return "".join(out)
    return " ".join(fix_articles(cap_first(s)) for s in out)


def ad_len(text):
    return len(text)   # one code point each; a CJK character counts as one


def compose_ad(rng, cat, values, lang):
    zh = lang == "zh"
    heads = cat.get("headlines_" + lang, HEADLINES_ZH if zh else HEADLINES_EN)
    bodies = cat.get("bodies_" + lang, BODIES_ZH if zh else BODIES_EN)
    head_opts = [fill(t, values) for t in applicable(heads, values)]
    if not zh:
        head_opts = [fix_articles(cap_first(h)) for h in head_opts]
    head_opts = [h for h in head_opts if ad_len(h) <= HEADLINE_BUDGET]
    body_opts = [fill(t, values) for t in applicable(bodies, values)]
    if not zh:
        body_opts = [fix_articles(cap_first(b)) for b in body_opts]
    body_opts = [b for b in body_opts if ad_len(b) <= BODY_BUDGET]
    if not head_opts or not body_opts:
        raise SystemExit("no ad template fits the budget for %r" % (values,))
    return rng.choice(head_opts), rng.choice(body_opts)


def mentions(text, value):
    if CJK_RE.search(value):
        return value in text
    return re.search(r"(?<![A-Za-z0-9])" + re.escape(value.lower()) + r"(?![A-Za-z0-9])", text.lower()) is not None


def foreign_values(text, own, palette):
    """Values from the palette (colours, materials) named in text, other than
    the row's own."""
    stripped = text.replace(own, " ") if CJK_RE.search(own) else re.sub(re.escape(own), " ", text, flags=re.I)
    return [c for c in palette if c != own and mentions(stripped, c)]


def check_row(row, colours, materials):
    for col in ("Description", "Ad headline", "Ad copy"):
        text = row[col]
        if not text:
            continue
        for what, own, palette in (("colours", row["Colour"], colours), ("materials", row["Material"], materials)):
            bad = foreign_values(text, own, palette)
            if bad:
                raise SystemExit("%s: %s names %s %s it does not have: %s" % (row["SKU"], col, what, bad, text))
    if row["Description"]:
        for col in ("Colour", "Material", "Size", "Fit", "Capacity", "Power", "Age range"):
            if row[col] and not mentions(row["Description"], row[col]):
                raise SystemExit("%s: description does not mention %s %r" % (row["SKU"], col, row[col]))
    if ad_len(row["Ad headline"]) > HEADLINE_BUDGET or ad_len(row["Ad copy"]) > BODY_BUDGET:
        raise SystemExit("%s: ad copy over budget" % row["SKU"])


def make_title(rng, brand, typ, values, lang):
    if lang == "zh":
        tags = ["百搭款", "新款", "经典款", "人气款", "简约款", "", "", ""]
        tag = rng.choice(tags)
        parts = [brand, values["material"] + typ["zh"], tag, values["colour"]]
        return " ".join(p for p in parts if p)
    name = " ".join(w[:1].upper() + w[1:] for w in typ["en"].split())
    if rng.random() < 0.5:
        return "%s %s - %s" % (brand, name, values["colour"])
    return "%s %s %s" % (brand, " ".join(w[:1].upper() + w[1:] for w in values["material"].split()), name)


def price(rng, lo, hi, lang):
    if lang == "zh":
        v = rng.randint(lo * 7, hi * 7)
        return "%d.00" % (v - v % 10 + 9)
    v = rng.randint(lo, hi)
    return "%d.%s" % (v, rng.choice(("00", "50", "99", "95")))


def build(seed):
    rng = random.Random(seed)
    palette_en = sorted(c[0] for c in COLOURS.values())
    palette_zh = sorted(c[1] for c in COLOURS.values())
    rows = []
    seen = set()
    n = 1000
    for rnd in range(PRODUCTS_PER_CATEGORY_AND_LANGUAGE):
        for cat in CATEGORIES:
            for lang in ("en", "zh"):
                li = 0 if lang == "en" else 1
                while True:
                    typ = rng.choice(cat["types"])
                    brand = rng.choice(cat["brands_" + lang])
                    colour = COLOURS[rng.choice(typ["colours"])][li]
                    material = rng.choice(typ["materials"])[li]
                    values = {"brand": brand, "type": typ[lang], "colour": colour, "material": material,
                              "cl": MEASURE_WORDS[typ["key"]]}
                    for attr in ATTRS:
                        spec = typ["attrs"].get(attr)
                        values[attr] = rng.choice(spec[1])[li] if spec else ""
                    key = (lang, typ["key"], brand, colour, material, values["size"], values["capacity"], values["power"])
                    if key not in seen:
                        seen.add(key)
                        break
                n += 1
                row = {
                    "SKU": "CPY-%s-%04d" % (cat["code"], n),
                    "Title": make_title(rng, brand, typ, values, lang),
                    "Category": cat[lang], "Type": typ[lang], "Brand": brand,
                    "Colour": colour, "Material": material, "Size": values["size"], "Fit": values["fit"],
                    "Capacity": values["capacity"], "Power": values["power"], "Age range": values["age"],
                    "Price": price(rng, typ["price"][0], typ["price"][1], lang),
                    "Description": compose_description(rng, cat, typ, values, lang),
                }
                row["Ad headline"], row["Ad copy"] = compose_ad(rng, cat, values, lang)
                row["_lang"] = lang
                rows.append(row)
    # About two thirds keep their description and about half their ad copy:
    # exact counts per language, chosen by the seeded generator.
    for lang in ("en", "zh"):
        idx = [i for i, r in enumerate(rows) if r["_lang"] == lang]
        keep_desc = set(rng.sample(idx, round(len(idx) * 2 / 3)))
        keep_ad = set(rng.sample(idx, len(idx) // 2))
        for i in idx:
            if i not in keep_desc:
                rows[i]["Description"] = ""
            if i not in keep_ad:
                rows[i]["Ad headline"] = rows[i]["Ad copy"] = ""
    for r in rows:
        li = 0 if r["_lang"] == "en" else 1
        materials = sorted({m[li] for cat in CATEGORIES for t in cat["types"] for m in t["materials"]})
        check_row(r, palette_zh if li else palette_en, materials)
    return rows


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--output", "-o", required=True, help="CSV file to write ('-' for stdout)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args(argv)
    rows = build(args.seed)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    data = buf.getvalue().encode("utf-8")
    if args.output == "-":
        sys.stdout.buffer.write(data)
    else:
        with open(args.output, "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
