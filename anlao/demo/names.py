"""Chinese names and mobile numbers, drawn in bulk (numpy), for the demo population."""

from __future__ import annotations

import numpy as np
import polars as pl

# Common surnames with rough national frequencies (%), nudged for Zhejiang (陈, 沈, 钱, 徐, 周).
SURNAME_TABLE = """
王 7.1 李 6.0 张 6.0 刘 4.0 陈 6.0 杨 2.6 黄 2.0 赵 1.8 吴 2.4 周 2.2 徐 2.2 孙 1.4
马 1.2 朱 1.5 胡 1.5 郭 1.0 何 1.2 林 1.2 高 1.0 罗 0.8 郑 1.0 梁 0.7 谢 0.8 宋 0.7 唐 0.7
许 0.8 韩 0.5 冯 0.6 邓 0.5 曹 0.6 彭 0.4 曾 0.4 肖 0.4 田 0.4 董 0.5 袁 0.5 潘 0.6 于 0.3
蒋 0.6 蔡 0.5 余 0.5 杜 0.4 叶 0.6 程 0.4 苏 0.3 魏 0.3 吕 0.4 丁 0.4 任 0.3 沈 1.0 姚 0.4
卢 0.3 姜 0.3 崔 0.2 钟 0.3 谭 0.2 陆 0.6 汪 0.5 范 0.3 金 0.5 石 0.2 廖 0.2 贾 0.2 夏 0.3
傅 0.3 方 0.5 白 0.2 邹 0.2 孟 0.2 熊 0.2 秦 0.2 邱 0.2 江 0.3 尹 0.1 薛 0.2 段 0.1
雷 0.1 侯 0.1 龙 0.1 史 0.1 陶 0.2 黎 0.1 贺 0.1 顾 0.3 毛 0.3 郝 0.1 龚 0.2 邵 0.3
万 0.1 钱 0.5 严 0.2 戴 0.2 孔 0.1 俞 0.3 章 0.3 楼 0.2 应 0.2 屠 0.1 诸葛 0.02 欧阳 0.03
"""
SURNAMES = SURNAME_TABLE.split()
SURNAME_POOL = np.array(SURNAMES[0::2])
SURNAME_WEIGHTS = np.array([float(w) for w in SURNAMES[1::2]])
SURNAME_WEIGHTS /= SURNAME_WEIGHTS.sum()

# Given-name characters typical of people born 1920–1965.
MALE_FIRST = np.array(list("建国志永福德金荣根水宝海庆家兴长明文忠立新伟春祖炳阿"))
MALE_SECOND = np.array(list("国华明强平林生荣发根宝忠祥兴康成富贵良昌光民松山坤堂法才"))
FEMALE_FIRST = np.array(list("秀桂玉凤月素美翠彩淑惠金爱菊小兰雪琴阿"))
FEMALE_SECOND = np.array(list("英兰珍芳梅凤华琴娟花云霞红萍菊莲娥妹珠芬敏香贞娣仙"))
SINGLE_CHAR_SHARE = 0.15
SURNAME_SERIES = pl.Series(SURNAME_POOL)
FIRST_CHARS = pl.Series(np.concatenate([MALE_FIRST, FEMALE_FIRST]))
SECOND_CHARS = pl.Series(np.concatenate([MALE_SECOND, FEMALE_SECOND]))

MOBILE_PREFIXES = np.array([130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 153,
                            155, 156, 157, 158, 159, 177, 180, 181, 186, 187, 188, 189, 199])


def draw_names(rng: np.random.Generator, male: np.ndarray) -> tuple[np.ndarray, pl.Series]:
    """Surname (index into ``SURNAME_POOL``) and given name (one or two characters) per entry
    of ``male`` (bool array)."""
    n = len(male)
    surname = rng.choice(len(SURNAME_POOL), size=n, p=SURNAME_WEIGHTS)
    nm1, nm2 = len(MALE_FIRST), len(MALE_SECOND)
    first = np.where(male, rng.integers(0, nm1, n), nm1 + rng.integers(0, len(FEMALE_FIRST), n))
    second = np.where(male, rng.integers(0, nm2, n), nm2 + rng.integers(0, len(FEMALE_SECOND), n))
    single = rng.random(n) < SINGLE_CHAR_SHARE
    firsts = FIRST_CHARS.gather(first)
    seconds = SECOND_CHARS.gather(second)
    # a one-character given name takes the second pool (王英, 李强), which reads naturally
    given = pl.select(pl.when(pl.lit(pl.Series(single))).then(pl.lit(seconds))
                      .otherwise(pl.lit(firsts) + pl.lit(seconds))).to_series()
    return surname, given


def full_names(surname: np.ndarray, given: pl.Series) -> pl.Series:
    return SURNAME_SERIES.gather(surname) + given


def draw_mobiles(rng: np.random.Generator, n: int) -> pl.Series:
    """``n`` eleven-digit mobile numbers as strings (not unique; families share phones)."""
    prefix = MOBILE_PREFIXES[rng.integers(0, len(MOBILE_PREFIXES), n)].astype(np.int64)
    return pl.Series(prefix * 100_000_000 + rng.integers(0, 100_000_000, n)).cast(pl.String)
