"""Names of people, companies and places in 日喀则 (Shigatse), made up but realistic:
Han and Tibetan person names, mobile numbers, company / institution names, addresses, room names."""
from __future__ import annotations

import numpy as np
import pandas as pd

SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国红梅林斌琳宇浩凯健俊帆帅旭宁晨晓欣悦婷雪琪颖佳倩")
TIBETAN = ["次仁多吉", "扎西顿珠", "格桑卓玛", "普布次仁", "索朗旺堆", "尼玛次仁", "德吉央宗",
           "旦增曲珍", "拉巴次仁", "边巴卓嘎", "白玛央金", "次旦罗布", "洛桑平措", "央金拉姆",
           "达瓦次仁", "米玛卓玛", "平措扎西", "益西卓玛", "贡布多吉", "仓决卓玛"]
PLACES = ["日喀则市", "桑珠孜区", "江孜县", "拉孜县", "定日县", "萨迦县", "白朗县", "南木林县",
          "谢通门县", "昂仁县", "仁布县", "康马县", "聂拉木县", "吉隆县", "亚东县", "岗巴县",
          "定结县", "仲巴县", "萨嘎县"]
INSTITUTIONS = ["人民政府", "教育局", "公安局", "卫生健康委员会", "财政局", "自然资源局", "交通运输局",
                "住房和城乡建设局", "市场监督管理局", "人民医院", "中医院", "第一中学", "第二中学",
                "实验小学", "职业技术学校", "融媒体中心", "农业农村局", "文化和旅游局", "税务局",
                "人民法院", "人民检察院", "应急管理局", "水利局", "民政局", "疾病预防控制中心"]
BRANDS = ["珠峰", "雅江", "扎什伦布", "年楚河", "喜马拉雅", "雪域", "圣地", "高原", "吉祥", "格桑",
          "藏源", "天路", "羌塘", "宗山", "帕拉", "曲美", "萨迦", "卓玛", "德吉", "雄鹰", "神山",
          "圣湖", "金珠", "阳光", "雪莲", "青稞", "牦牛", "藏红花", "巴松", "日光"]
TRADES = ["建设", "建筑工程", "商贸", "物流", "旅游开发", "水电工程", "矿业", "农牧科技", "酒店管理",
          "文化传媒", "医药", "食品", "路桥工程", "通信工程", "环保科技", "汽车销售", "房地产开发",
          "能源", "劳务", "电力安装", "供应链管理", "信息技术"]
ROADS = ["上海中路", "珠峰路", "青岛路", "山东路", "吉林路", "黑龙江路", "德勒路", "贡觉林路",
         "解放中路", "迎宾路", "宗山路", "雄堆路", "扎德路", "北京北路"]

_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        s = _CN_DIGITS[n // 100] + "百"
        if rest == 0:
            return s
        return s + ("零" + _CN_DIGITS[rest] if rest < 10 else ("一" if rest < 20 else "") + cn_number(rest))
    return str(n)


def room_name(i: int) -> str:
    return f"重要{cn_number(i + 1)}室"


def person_names(rng, n):
    s = rng.integers(0, len(SURNAMES), n)
    g1 = rng.integers(0, len(GIVEN), n)
    g2 = rng.integers(0, len(GIVEN), n)
    two = rng.random(n) < 0.6
    tib = rng.random(n) < 0.25
    tn = rng.integers(0, len(TIBETAN), n)
    sur, giv, tibs = np.array(SURNAMES), np.array(GIVEN), np.array(TIBETAN)
    han = np.char.add(np.char.add(sur[s], giv[g1]), np.where(two, giv[g2], ""))
    return np.where(tib, tibs[tn], han)


def phones(rng, n):
    pre = np.array(["139", "138", "137", "136", "135", "150", "151", "152", "157", "158", "159",
                    "182", "183", "187", "188", "178", "198", "147"])
    p = pre[rng.integers(0, len(pre), n)]
    tail = rng.integers(0, 100_000_000, n)
    return np.char.add(p, np.char.zfill(tail.astype(str), 8))


def company_names(rng, n):
    kind = rng.random(n)
    pl = np.array(PLACES)[rng.integers(0, len(PLACES), n)]
    inst = np.array(INSTITUTIONS)[rng.integers(0, len(INSTITUTIONS), n)]
    br = np.array(BRANDS)[rng.integers(0, len(BRANDS), n)]
    tr = np.array(TRADES)[rng.integers(0, len(TRADES), n)]
    gov = np.char.add(pl, inst)
    co = np.char.add(np.char.add(np.char.add("西藏", br), tr), "有限公司")
    co2 = np.char.add(np.char.add(np.char.add(pl, br), tr), "有限责任公司")
    names = np.where(kind < 0.3, gov, np.where(kind < 0.75, co, co2))
    # disambiguate repeats like real rosters do (分公司 / 项目部)
    s = pd.Series(names)
    dup = s.groupby(s).cumcount().to_numpy()
    suffix = np.where(dup == 0, "", np.char.add(np.char.add("第", dup.astype(str)), "分公司"))
    return np.char.add(names.astype(str), suffix)


def addresses(rng, n):
    pl = np.array(PLACES)[rng.integers(0, len(PLACES), n)]
    rd = np.array(ROADS)[rng.integers(0, len(ROADS), n)]
    no = rng.integers(1, 300, n).astype(str)
    return np.char.add(np.char.add(np.char.add(np.char.add("西藏自治区", pl), rd), no), "号")
