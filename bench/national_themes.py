"""What synthetic plans are made of: policy themes with their goals, measures and KPIs, and cross-cutting viewpoints.

The wording follows the seed plans (Ome, Atsugi, Nishitokyo, Kiyose, Aomori); each theme carries the editorial
classification a person would give it (policy domains, the national strategy's direction, SDGs, thematic links),
so that every named question has answers on a synthetic nation.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class KpiTemplate:
    label: str
    unit: str                       # a concept of vocab/unit: person, case, percent, household, item, place, yen, rate
    baseline: tuple[float, float]   # range of the baseline value
    change: float                   # relative change baseline → target; negative for a planned decrease
    decimals: int = 0
    qualifier: str | None = None    # gross, cumulative, latest-available
    by_school: bool = False         # split into 小学校 / 中学校 (jpp:breakdown)
    calendar_year: bool = False     # 年 rather than 年度


@dataclass(frozen=True)
class MeasureTemplate:
    label: str
    domains: tuple[str, ...]
    kpis: tuple[KpiTemplate, ...]
    link: str | None = None         # a shared viewpoint this project links the measure to (thematic link)
    evidence: str | None = None     # the words of the (synthetic) source that show the link


@dataclass(frozen=True)
class Theme:
    key: str
    goals: tuple[str, ...]          # wordings of a goal on this theme (one is picked per plan)
    description: str
    direction: str                  # the national strategy's direction (vocab/national-direction)
    domains: tuple[str, ...]
    sdgs: tuple[int, ...]
    measures: tuple[MeasureTemplate, ...] = field(default=())


def _k(label, unit, low, high, change, **options) -> KpiTemplate:
    return KpiTemplate(label, unit, (low, high), change, **options)


THEMES = (
    Theme("children", ("子どもを生み・育てやすいまちの実現", "結婚・出産・子育ての希望をかなえるまちをつくる",
                       "次代を担う子どもが健やかに育つまち"),
          "子育てしたい方が安心して子どもを生み育てられるよう、相談支援体制や保育環境を充実します。",
          "marriage-childbirth-childrearing", ("child-rearing", "education"), (3, 4, 5), (
        MeasureTemplate("妊娠・出産・子育ての切れ目のない支援", ("child-rearing",), (
            _k("出生数", "person", 180, 2400, -0.12), _k("合計特殊出生率", "rate", 1.05, 1.6, 0.08, decimals=2),
            _k("子育て相談の利用件数", "case", 300, 6000, 0.25))),
        MeasureTemplate("保育環境の整備", ("child-rearing",), (
            _k("待機児童数", "person", 1, 80, -1.0), _k("保育所の定員数", "person", 300, 5000, 0.1))),
        MeasureTemplate("学校教育の充実", ("education",), (
            _k("「授業の内容がよく分かる」と答えた児童生徒の割合", "percent", 70, 88, 0.06, decimals=1, by_school=True),
            _k("一人1台端末を毎日活用している学級の割合", "percent", 40, 75, 0.3, decimals=1)),
            link="dx", evidence="一人1台端末を活用した学びを進めます"),
        MeasureTemplate("放課後の子どもの居場所づくり", ("child-rearing", "lifelong-learning"), (
            _k("放課後子ども教室の参加者数", "person", 500, 20000, 0.15, qualifier="gross"),)),
        MeasureTemplate("若い世代の結婚の希望をかなえる支援", ("child-rearing",), (
            _k("婚姻件数", "case", 80, 1800, 0.05, calendar_year=True),)),
    )),
    Theme("jobs", ("地域経済の活性化と働く場の創出", "働く場を創出し、経済活動が盛んなまちをつくる", "活力ある産業が育つまち"),
          "地域の基盤産業の成長や地場産業の発展を支え、意欲のある起業家を支援し、地域経済の好循環を目指します。",
          "jobs", ("industry", "employment"), (8, 9), (
        MeasureTemplate("中小企業の経営支援", ("industry",), (
            _k("経営相談件数", "case", 100, 3000, 0.2), _k("市内事業所の従業者数", "person", 3000, 90000, 0.02))),
        MeasureTemplate("創業・起業の支援と事業承継", ("entrepreneurship",), (
            _k("創業支援による創業件数", "case", 5, 120, 0.5, qualifier="cumulative"),)),
        MeasureTemplate("農林業の振興", ("agriculture",), (
            _k("新規就農者数", "person", 1, 40, 0.5, qualifier="cumulative"), _k("耕作放棄地の面積の割合", "percent", 5, 30, -0.2, decimals=1))),
        MeasureTemplate("雇用の確保と就労支援", ("employment",), (
            _k("就労支援による就職者数", "person", 20, 600, 0.3), _k("企業誘致件数", "case", 1, 15, 1.0, qualifier="cumulative"))),
        MeasureTemplate("デジタル技術を活用した産業の生産性向上", ("industry", "administration-dx"), (
            _k("DX導入支援を受けた事業者数", "case", 5, 200, 1.0, qualifier="cumulative"),),
            link="dx", evidence="デジタル技術を活用した産業の生産性向上"),
    )),
    Theme("flow", ("人が集い交流するまちづくり", "新しい人の流れをつくる", "魅力を発信し選ばれるまち"),
          "地域資源を生かした観光の振興と効果的な情報発信により、訪れたい・住みたいと思う人を増やします。",
          "flow-of-people", ("tourism", "migration-settlement", "city-promotion"), (8, 11, 17), (
        MeasureTemplate("地域資源を生かした観光の推進", ("tourism",), (
            _k("観光入込客数", "person", 50000, 3000000, 0.15, qualifier="gross", calendar_year=True),
            _k("観光消費額", "yen", 1e8, 5e10, 0.2))),
        MeasureTemplate("シティプロモーションの推進", ("city-promotion",), (
            _k("市公式SNSのフォロワー数", "person", 1000, 60000, 0.5),)),
        MeasureTemplate("移住・定住の促進", ("migration-settlement",), (
            _k("移住相談件数", "case", 20, 800, 0.4), _k("転出超過数", "person", 50, 1500, -0.3))),
        MeasureTemplate("関係人口の創出と広域連携", ("regional-exchange", "migration-settlement"), (
            _k("ふるさと納税の寄附件数", "case", 500, 90000, 0.3), _k("交流イベントの参加者数", "person", 300, 20000, 0.2, qualifier="gross")),
            link="regional-collaboration", evidence="近隣自治体や民間企業と連携し、関係人口の創出に取り組みます"),
    )),
    Theme("safety", ("安全・安心で住み続けたいまちづくり", "将来を見据えた、安全・安心なまちづくりを推進", "災害に強く安心して暮らせるまち"),
          "災害への備えと快適な都市機能の実現により、誰もが安心して住み続けられるまちをつくります。",
          "attractive-communities", ("disaster-safety", "urban-planning", "transport"), (11, 13), (
        MeasureTemplate("防災・減災対策の推進", ("disaster-safety",), (
            _k("自主防災組織の組織率", "percent", 50, 90, 0.08, decimals=1), _k("防災訓練の参加者数", "person", 500, 30000, 0.2, qualifier="gross"))),
        MeasureTemplate("地域公共交通の確保", ("transport",), (
            _k("コミュニティバスの年間利用者数", "person", 10000, 900000, 0.1),)),
        MeasureTemplate("防犯・交通安全対策の推進", ("disaster-safety",), (
            _k("刑法犯認知件数", "case", 50, 3000, -0.15, calendar_year=True), _k("交通事故発生件数", "case", 30, 2000, -0.2, calendar_year=True))),
        MeasureTemplate("空き家対策と住環境の整備", ("housing-environment", "urban-planning"), (
            _k("管理不全の空き家数", "household", 20, 900, -0.3),)),
        MeasureTemplate("公共施設の適正な管理", ("public-facilities",), (
            _k("長寿命化改修を行った公共施設数", "place", 1, 30, 1.0, qualifier="cumulative"),)),
    )),
    Theme("health", ("誰もが健康で生き生きと暮らせるまち", "誰もが安心して自分らしく生き生きと暮らせるまちをつくる", "支え合い、健やかに暮らせるまち"),
          "健康づくりと地域で支え合う仕組みを充実し、誰もが自分らしく暮らせる地域共生社会を目指します。",
          "attractive-communities", ("health-medical", "welfare", "elderly"), (3, 10), (
        MeasureTemplate("健康づくりの推進", ("health-medical",), (
            _k("特定健康診査の受診率", "percent", 30, 55, 0.15, decimals=1), _k("がん検診の受診率", "percent", 10, 40, 0.2, decimals=1))),
        MeasureTemplate("高齢者福祉の充実", ("elderly",), (
            _k("介護予防教室の参加者数", "person", 200, 15000, 0.2, qualifier="gross"), _k("要介護認定率", "percent", 14, 22, -0.05, decimals=1))),
        MeasureTemplate("地域福祉の推進", ("welfare", "community-collaboration"), (
            _k("地域の見守り活動に参加する団体数", "case", 10, 300, 0.2),)),
        MeasureTemplate("多様性を認め合う社会づくり", ("human-rights-diversity",), (
            _k("審議会等の委員に占める女性の割合", "percent", 20, 38, 0.2, decimals=1),),
            link="diversity-inclusion", evidence="互いの多様性を認め合う地域社会を目指します"),
    )),
    Theme("environment", ("脱炭素社会の実現と豊かな自然環境の保全", "ゼロカーボンシティを目指す環境にやさしいまち", "自然と共生する持続可能なまち"),
          "2050年までに二酸化炭素排出量実質ゼロを目指し、再生可能エネルギーの導入と省エネルギーを進めます。",
          "attractive-communities", ("climate", "environment"), (7, 12, 13, 15), (
        MeasureTemplate("再生可能エネルギーの導入促進", ("climate",), (
            _k("公共施設への太陽光発電設備の設置数", "place", 2, 40, 1.0, qualifier="cumulative"),
            _k("市域の温室効果ガス排出量の削減率（2013年度比）", "percent", 10, 30, 1.2, decimals=1)),
            link="zero-carbon", evidence="脱炭素社会の実現に向けて再生可能エネルギーの導入を促進します"),
        MeasureTemplate("ごみの減量とリサイクルの推進", ("environment",), (
            _k("ごみのリサイクル率", "percent", 12, 30, 0.15, decimals=1), _k("家庭系ごみの年間排出量", "item", 5000, 120000, -0.1))),
        MeasureTemplate("緑と水辺の保全", ("environment",), (
            _k("緑地の保全面積の割合", "percent", 20, 60, 0.03, decimals=1),)),
        MeasureTemplate("省エネルギー・脱炭素型のくらしの推進", ("climate", "housing-environment"), (
            _k("住宅用省エネ設備の設置補助件数", "case", 10, 600, 0.5, qualifier="cumulative"),),
            link="zero-carbon", evidence="ゼロカーボンシティの実現に向け、省エネルギー型のくらしを広げます"),
    )),
    Theme("administration", ("デジタル技術を活用した持続可能な行財政運営", "市民とともに進める持続可能なまちづくり", "効率的で開かれた市政の推進"),
          "デジタル技術を活用した行政サービスの向上と、健全で安定的な財政運営に取り組みます。",
          "attractive-communities", ("administration-dx", "finance", "community-collaboration"), (16, 17), (
        MeasureTemplate("自治体DXの推進", ("administration-dx",), (
            _k("オンラインで申請できる手続の割合", "percent", 20, 60, 0.6, decimals=1), _k("マイナンバーカードの交付率", "percent", 55, 80, 0.15, decimals=1)),
            link="dx", evidence="行政手続のオンライン化など自治体DXを推進します"),
        MeasureTemplate("健全で安定的な財政運営", ("finance",), (
            _k("経常収支比率", "percent", 85, 99, -0.04, decimals=1),),
            link="sustainable-administration", evidence="健全で安定的な財政運営に努めます"),
        MeasureTemplate("市民協働の推進", ("community-collaboration",), (
            _k("地域活動に参加している市民の割合", "percent", 15, 45, 0.2, decimals=1),)),
        MeasureTemplate("SDGsの視点を踏まえた施策の推進", ("administration-dx", "community-collaboration"), (
            _k("SDGsを知っている市民の割合", "percent", 40, 80, 0.2, decimals=1),),
            link="sdgs", evidence="SDGsの視点を踏まえ、持続可能なまちづくりを進めます"),
    )),
    Theme("learning", ("学び・文化・スポーツが豊かなまち", "生涯にわたり学び、文化を育むまち", "心豊かな人を育むまち"),
          "生涯にわたる学びと文化・スポーツ活動の機会を広げ、地域への愛着を育みます。",
          "attractive-communities", ("lifelong-learning", "culture", "sport"), (4, 11), (
        MeasureTemplate("生涯学習の推進", ("lifelong-learning",), (
            _k("図書館の年間貸出点数", "item", 50000, 2000000, 0.05), _k("公民館講座の参加者数", "person", 500, 40000, 0.1, qualifier="gross"))),
        MeasureTemplate("文化芸術の振興と歴史の継承", ("culture",), (
            _k("文化施設の利用者数", "person", 5000, 500000, 0.1, qualifier="gross"),)),
        MeasureTemplate("スポーツに親しむ環境づくり", ("sport", "health-medical"), (
            _k("週1回以上スポーツをする成人の割合", "percent", 35, 60, 0.15, decimals=1),)),
    )),
)

# A city's own cross-cutting viewpoints (共通する視点 …), the shared concept this project maps each to, and the policy
# domains it addresses. None for the concept means the project decided no shared concept fits (jpp:noSharedConcept
# true); no domains means the wording names none (jpp:noPolicyDomain true), as for Atsugi's SDGs viewpoint. Weights
# make DX the most common, as in the seeds and the national strategy.
VIEWPOINTS = (
    ("デジタルの力を活用した地域課題の解決", "dx", 6, ("administration-dx",)),
    ("Society5.0の実現に向けた技術の活用", "dx", 2, ("administration-dx",)),
    ("ゼロカーボンシティの実現", "zero-carbon", 3, ("climate",)), ("脱炭素社会への移行（GX）", "zero-carbon", 1, ("climate",)),
    ("SDGsの推進", "sdgs", 3, ()), ("多様性を認め合う地域社会づくり", "diversity-inclusion", 2, ("human-rights-diversity",)),
    ("施策間連携・地域間連携による効果的な施策の推進", "regional-collaboration", 2, ("regional-exchange",)),
    ("ウェルビーイングの向上", "well-being-health", 1, ("health-medical",)),
    ("効果的な情報発信", "information-promotion", 1, ("city-promotion",)),
    ("持続可能な行財政運営", "sustainable-administration", 1, ("administration-dx", "finance")),
    ("地域の魅力を生かしたまちづくり", None, 2, ("city-promotion",)),
    ("市民との対話を大切にする姿勢", None, 1, ("community-collaboration",)),
)

GOAL_LEVEL_NAMES = ("基本目標", "政策", "基本政策", "将来像")
STRATEGY_DIRECTION_LEVEL_NAMES = ("基本方向", "基本的方向", "具体的な施策")
VIEWPOINT_LEVEL_NAMES = ("共通する視点", "横断的な視点", "重要な視点")
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
