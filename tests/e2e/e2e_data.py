#!/usr/bin/env python3
"""Data and expectations for tests/e2e/term_end_e2e.sh.

The end-to-end script drives the real creditbankd and cbctl binaries; this
helper makes the realistic inputs (learners with resident IDs, term-end CSV
files) and checks the server's --json answers against a model computed
independently from the files the script fed in. Standard library only.

  e2e_data.py term-year                    # the year of the generated term dates
  e2e_data.py learners DIR                 # learners.args, invalid_ids.tsv
  e2e_data.py collect-accounts DIR         # opens.jsonl -> accounts.tsv
  e2e_data.py term-csv DIR                 # term.csv (3,000 rows, BOM, CRLF)
  e2e_data.py bad-csv DIR                  # bad.csv, bad_good.csv, bad_lines.txt
  e2e_data.py crash-csv DIR                # crash.csv (5,000 rows)
  e2e_data.py open-university DIR          # open_university.{csv,args}
  e2e_data.py freeze-files DIR I J         # freeze_record.{csv,args}, freeze.csv
  e2e_data.py check-bad-import DIR SUMMARY.json STDERR
  e2e_data.py pick-reversals DIR LISTDIR   # reversals.tsv from `ledger list` answers
  e2e_data.py check-reversals DIR LISTDIR  # reversals.jsonl -> reversed.tsv
  e2e_data.py check-balances DIR BALDIR    # every BALDIR/<account>.json vs the model
  e2e_data.py same-balances BALDIR1 BALDIR2
  e2e_data.py check-pages DIR PAGEDIR ALL.json ACCOUNT [filter=value ...]
  e2e_data.py count DIR                    # entries the model holds
  e2e_data.py get FILE dotted.path         # one value of a JSON document

DIR/model.txt lists what the ledger should hold, one line each:
  recorded <csv file> <institution code>   every row of the file is recorded
  reversed <tsv file>                      account, entry id, institution, code
"""

import csv
import datetime
import io
import json
import os
import random
import shlex
import sys

COLLEGE = "4150013588"  # 重庆工程职业技术学院, vocational
SEED = 20260620
LEARNER_COUNT = 300
PASSPORT_LEARNERS = 5
TERM_ROWS_PER_LEARNER = 10
CRASH_ROWS = 5000

HEADER = ["request_id", "account_number", "kind", "code", "title", "credits", "study_hours",
          "grade", "framework_level", "sector", "completion_date", "valid_until",
          "evidence_sha256"]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范廖石金贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷"
GIVEN_NAMES = ["子涵", "欣怡", "浩然", "梓萱", "宇轩", "一诺", "俊杰", "思远", "雨桐", "佳怡",
               "晨曦", "明轩", "诗涵", "博文", "嘉怡", "天佑", "若曦", "志强", "秀英", "建国",
               "伟", "芳", "静", "磊", "洋", "娜", "敏", "杰", "婷", "鑫", "丽娟", "海燕",
               "文博", "梦琪", "子豪", "紫涵", "家豪", "语嫣", "振宇", "欣妍"]
# Chongqing districts first (the college's city), then neighbours.
REGION_CODES = ["500101", "500103", "500104", "500105", "500106", "500107", "500108",
                "500112", "500113", "500222", "510104", "510107", "520102", "530102",
                "110105", "440305"]
PASSPORT_HOLDERS = [("KOR", "M82931045", "金敏俊"), ("VNM", "C3918274", "阮氏芳"),
                    ("JPN", "TZ1048573", "山田花子"), ("RUS", "752910384", "索菲亚"),
                    ("MNG", "E0923817", "巴特尔")]

# (code, title, credits, hours, level) of the college's spring-term courses.
SPRING_COURSES = [
    ("MATH1001", "高等数学（上）", "4", 64, 6), ("MATH1002", "高等数学（下）", "4", 64, 6),
    ("ENG1001", "大学英语（一）", "3", 48, 5), ("ENG1002", "大学英语（二）", "3", 48, 5),
    ("WEB2001", "Web前端开发", "3.5", 56, 5), ("CNC2002", "数控加工技术", "4", 64, 5),
    ("PLC2003", "PLC应用技术", "2.5", 40, 5), ("CAD1003", "机械制图与CAD", "3", 48, 4),
    ("POL1001", "思想道德与法治", "2.5", 40, 4), ("PE1001", "体育（一）", "1", 32, 4),
    ("ELEC2004", "电工电子技术", "3.5", 56, 5), ("DB2005", "数据库原理与应用（MySQL）", "3", 48, 5),
    ("PY2006", "Python程序设计", "3", 48, 5), ("ACC2007", "基础会计", "2.5", 40, 4),
]
# The rest of a learner's ten rows: 1+X certificates, an expired safety
# certificate and a training course counted in hours.
OTHER_OUTCOMES = [
    dict(kind="certificate", code="1X-WEB-M", title="Web前端开发职业技能等级证书（中级）, 1+X",
         credits="2", hours=0, level=5, sector="vocational", completed="{y}-06-18",
         valid_until="{y3}-06-30"),
    dict(kind="certificate", code="1X-CNC-M", title="数控车铣加工职业技能等级证书（中级）",
         credits="2", hours=0, level=5, sector="", completed="{y}-06-25",
         valid_until="{y3}-12-31"),
    dict(kind="certificate", code="SAFE-1", title="安全生产培训合格证", credits="0.5",
         hours=0, level=4, sector="vocational", completed="{y}-01-08",
         valid_until="{y}-06-30"),  # expired by now: counts as expired credits
    dict(kind="training_hours", code="TR-CNC-01", title='数控车床"安全操作"实训',
         credits="0.25", hours=24, level=0, sector="continuing", completed="{y}-05-16",
         valid_until=""),
]
# Summer-session courses for the 5,000-row upload that is interrupted.
SUMMER_COURSES = [
    ("JG3001", "金工实习"), ("DG3002", "顶岗实习（一）"), ("ROB3003", "工业机器人编程"),
    ("MCU3004", "单片机原理及应用"), ("BD3005", "大数据技术导论"), ("CX3006", "创新创业基础"),
    ("ZY3007", "职业生涯规划"), ("BE3008", "商务英语"), ("CA3009", "计算机应用基础"),
    ("MK3010", "市场营销"), ("EC3011", "电子商务实务"), ("YY3012", "液压与气动技术"),
    ("QC3013", "汽车构造"), ("NEV3014", "新能源汽车技术"), ("IOT3015", "物联网技术应用"),
    ("AI3016", "人工智能导论"), ("LD3017", "劳动教育"), ("MS3018", "美育（书法鉴赏）"),
]
BAD_FILE_COURSES = [
    ("LAB4001", "实验室安全"), ("MZ4002", "毛泽东思想和中国特色社会主义理论体系概论"),
    ("XL4003", "大学生心理健康教育"), ("JS4004", "军事理论"), ("WL4005", "物流管理基础"),
    ("GC4006", "工程测量"), ("JZ4007", "建筑识图与构造"), ("HL4008", "护理学导论"),
    ("SH4009", "社交礼仪"), ("WX4010", "大学语文"), ("TJ4011", "概率论与数理统计"),
    ("XX4012", "信息技术基础"),
]
GRADES = ["优秀", "良好", "中等", "及格", "A", "A-", "B+", "B", "pass", "通过"]


def fail(message):
    print("e2e_data.py: " + message, file=sys.stderr)
    sys.exit(1)


def bank_today():
    """Today in the bank's time zone (UTC+8), as the server counts days."""
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()


def term_year():
    """The year of the last finished academic year: every generated date
    (spring term January to July, summer session in August) is then in the
    past, and the safety certificates valid to June 30 have expired."""
    today = bank_today()
    return today.year if today >= datetime.date(today.year, 9, 1) else today.year - 1


def cmd_term_year():
    print(term_year())


# ---------------------------------------------------------------- identities

def resident_check_character(first17):
    """ISO 7064 MOD 11-2 check character of the first 17 digits, from the
    standard's definition (weights 2^k mod 11; the check value c makes
    sum + c = 1 mod 11; 10 is written X), not from a copied table."""
    total = sum(int(digit) * pow(2, 17 - position, 11) for position, digit in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


# The examples in the README and GB 11643.
assert resident_check_character("11010519491231002") == "X"
assert resident_check_character("44052418800101001") == "4"


def luhn_check_digit(digits):
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def luhn_valid(number):
    return len(number) == 16 and number.isdigit() and number[0] != "0" and \
        luhn_check_digit(number[:15]) == number[15]


def make_resident_ids(rng, count):
    ids = set()
    result = []
    while len(result) < count:
        birth = datetime.date(1998, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 10))
        first17 = "%s%s%03d" % (rng.choice(REGION_CODES), birth.strftime("%Y%m%d"),
                                rng.randrange(1, 1000))
        resident_id = first17 + resident_check_character(first17)
        if resident_id not in ids:
            ids.add(resident_id)
            result.append(resident_id)
    return result


def invalid_resident_ids(valid_ids):
    """(resident id, the check character the server should say is right or -, why)."""
    cases = []
    for resident_id in valid_ids[:3]:
        right = resident_id[17]
        wrong = "0123456789X"[("0123456789X".index(right) + 3) % 11]
        cases.append((resident_id[:17] + wrong, right, "wrong check character"))
    # A right check character cannot rescue an impossible birth date.
    first17 = "50010320070230" + "123"
    cases.append((first17 + resident_check_character(first17), "-", "birth date 2007-02-30"))
    first17 = "99010319990101" + "123"  # no province 99
    cases.append((first17 + resident_check_character(first17), "-", "unknown province code 99"))
    cases.append((valid_ids[5][:17], "-", "17 characters"))
    return cases


def cmd_learners(directory):
    rng = random.Random(SEED)
    resident_ids = make_resident_ids(rng, LEARNER_COUNT - PASSPORT_LEARNERS)
    # One learner's ID ends in X and is given with a lower-case x, as people type it.
    lower_x = next(i for i, rid in enumerate(resident_ids) if rid.endswith("X"))
    lines = []
    for index in range(LEARNER_COUNT):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
        if index < len(resident_ids):
            resident_id = resident_ids[index]
            if index == lower_x:
                resident_id = resident_id[:17] + "x"
            args = ["account", "open", "--resident-id", resident_id, "--name", name]
        else:
            country, number, name = PASSPORT_HOLDERS[index - len(resident_ids)]
            args = ["account", "open", "--passport-number", number, "--passport-country",
                    country, "--name", name]
        if index % 3 == 0:
            args += ["--phone", "1%d%09d" % (rng.choice([38, 39, 58, 77, 86]),
                                             rng.randrange(10 ** 9))]
        if index % 7 == 0:
            args += ["--email", "student%03d@cqvie.edu.cn" % index]
        lines.append(" ".join(shlex.quote(arg) for arg in args))
    with open(os.path.join(directory, "learners.args"), "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    with open(os.path.join(directory, "invalid_ids.tsv"), "w", encoding="utf-8") as out:
        for resident_id, right, why in invalid_resident_ids(resident_ids):
            out.write("%s\t%s\t%s\n" % (resident_id, right, why))
    with open(os.path.join(directory, "special_ids.tsv"), "w", encoding="utf-8") as out:
        out.write("lower_x\t%d\t%s\n" % (lower_x, resident_ids[lower_x]))


def cmd_collect_accounts(directory):
    """Checks every `cbctl --json account open` answer and writes accounts.tsv."""
    with open(os.path.join(directory, "learners.args"), encoding="utf-8") as f:
        learners = [shlex.split(line) for line in f if line.strip()]
    with open(os.path.join(directory, "opens.jsonl"), encoding="utf-8") as f:
        answers = [json.loads(line) for line in f if line.strip()]
    if len(answers) != len(learners):
        fail("%d learners but %d answers" % (len(learners), len(answers)))
    numbers = []
    for index, (args, answer) in enumerate(zip(learners, answers)):
        account = answer["account"]
        number = account["account_number"]
        name = args[args.index("--name") + 1]
        if answer.get("created") is not True:
            fail("learner %d: created is %r, want true" % (index, answer.get("created")))
        if not luhn_valid(number):
            fail("learner %d: account number %r has no valid Luhn digit" % (index, number))
        for field in ("name", "phone", "email"):
            given = args[args.index("--" + field) + 1] if "--" + field in args else ""
            if account["details"][field] != given:
                fail("learner %d: %s %r, want %r" % (index, field, account["details"][field],
                                                     given))
        if account["status"] != "ACCOUNT_STATUS_ACTIVE":
            fail("learner %d: status %s" % (index, account["status"]))
        numbers.append(number)
    if len(set(numbers)) != len(numbers):
        fail("account numbers repeat")
    with open(os.path.join(directory, "accounts.tsv"), "w") as out:
        for index, number in enumerate(numbers):
            out.write("%d\t%s\n" % (index, number))
    print("%d accounts, all distinct, Luhn-valid, active, details as given" % len(numbers))


def read_accounts(directory):
    with open(os.path.join(directory, "accounts.tsv")) as f:
        return [line.split("\t")[1].strip() for line in f if line.strip()]


# ------------------------------------------------------------------ CSV files

def score_grade(rng):
    score = rng.randrange(52, 99)
    if rng.random() < 0.1:
        return "%d.5/100" % score
    return "%d/100" % score


def write_csv(path, rows, bom=False, line_ending="\n"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=line_ending)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([row.get(column, "") for column in HEADER])
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
        out.write(buffer.getvalue())


def cmd_term_csv(directory):
    rng = random.Random(SEED + 1)
    year = term_year()
    accounts = read_accounts(directory)
    rows = []
    for account in accounts:
        courses = rng.sample(SPRING_COURSES, TERM_ROWS_PER_LEARNER - 2)
        for code, title, credits, hours, level in courses:
            month, day = rng.choice([(1, 12), (1, 16), (6, 24), (6, 28), (7, 3), (7, 8)])
            rows.append(dict(account_number=account, kind="course_credit", code=code,
                             title=title, credits=credits, study_hours=str(hours),
                             grade=score_grade(rng), framework_level=str(level),
                             sector=rng.choice(["", "vocational"]),
                             completion_date="%d-%02d-%02d" % (year, month, day)))
        for other in rng.sample(OTHER_OUTCOMES, 2):
            rows.append(dict(account_number=account, kind=other["kind"], code=other["code"],
                             title=other["title"], credits=other["credits"],
                             study_hours=str(other["hours"]) if other["hours"] else "",
                             grade=rng.choice(GRADES), framework_level=str(other["level"]),
                             sector=other["sector"],
                             completion_date=other["completed"].format(y=year),
                             valid_until=other["valid_until"].format(y=year, y3=year + 3),
                             evidence_sha256="%064x" % rng.getrandbits(256)))
    rng.shuffle(rows)  # as a student system exports them: by class, not by learner
    for number, row in enumerate(rows, start=1):
        if number % 2 == 1:  # half carry the student system's id, half get a derived one
            row["request_id"] = "T%dS1-%05d" % (year, number)
        if number % 97 == 0:  # stray spaces around values are trimmed
            row["credits"] = " %s " % row["credits"]
    write_csv(os.path.join(directory, "term.csv"), rows, bom=True, line_ending="\r\n")
    print("term.csv: %d rows for %d learners" % (len(rows), len(accounts)))


def cmd_bad_csv(directory):
    """A late upload with good and bad rows; writes the good rows again
    (bad_good.csv, for the model) and the bad rows' physical lines."""
    rng = random.Random(SEED + 2)
    year = term_year()
    accounts = read_accounts(directory)
    learners = rng.sample(accounts, len(BAD_FILE_COURSES))
    unknown_account = "621700000000001"
    unknown_account += luhn_check_digit(unknown_account)
    wrong_luhn = learners[0][:15] + str((int(learners[0][15]) + 1) % 10)

    def good(i):
        code, title = BAD_FILE_COURSES[i]
        return dict(account_number=learners[i], kind="course_credit", code=code, title=title,
                    credits=rng.choice(["1", "1.5", "2", "2.5"]), study_hours="32",
                    grade=score_grade(rng), framework_level="4", sector="",
                    completion_date="%d-07-06" % year)

    goods = [good(i) for i in range(len(BAD_FILE_COURSES))]
    bad = [  # (row, the column its problem is reported on)
        (dict(good(0), credits="3.1415"), "credits"),
        (dict(good(1), account_number=wrong_luhn), "account_number"),
        (dict(good(2), account_number=unknown_account), "account_number"),  # server: not found
        (dict(good(3), kind="exam"), "kind"),  # server: outside the scope
        (dict(good(4), framework_level="8"), "framework_level"),  # server: above level 6
        (dict(good(5), sector="general_higher"), "sector"),  # server: outside the scope
        (dict(good(6), completion_date="2099-07-01"), "completion_date"),
        (dict(good(7), completion_date="%d-02-30" % year), "completion_date"),
        (dict(good(8), credits=""), "credits"),  # course credits must be positive
        (dict(good(9), grade="优"), "grade"),
        (dict(good(10), title="数控加工\n技术"), "title"),  # spans two lines; control char
        (dict(good(11), request_id="T%dS1-00001" % year), "request_id"),  # reused, other content
        (dict(good(0), grade="不及格"), "credits"),  # a failing grade earns no credits
    ]
    # A good row, then a bad one, ..., then a repeat of line 2.
    rows = []
    for index, (bad_row, column) in enumerate(bad):
        if index < len(goods):
            rows.append((goods[index], None))
        rows.append((bad_row, column))
    rows.append((dict(rows[0][0]), "repeat"))
    write_csv(os.path.join(directory, "bad.csv"), [row for row, _ in rows])
    write_csv(os.path.join(directory, "bad_good.csv"), [row for row, c in rows if c is None])
    # Physical line of each record: header is line 1; the multi-line title
    # pushes every later record one line down.
    line = 2
    with open(os.path.join(directory, "bad_lines.txt"), "w") as out:
        for row, column in rows:
            if column is not None:
                out.write("%d\t%s\n" % (line, column))
            line += 1 + row["title"].count("\n")
    print("bad.csv: %d rows, %d bad" % (len(rows), sum(1 for _, c in rows if c)))


def cmd_crash_csv(directory):
    rng = random.Random(SEED + 3)
    year = term_year()
    accounts = read_accounts(directory)
    rows = []
    per_learner = -(-CRASH_ROWS // len(accounts))
    for account in accounts:
        for code, title in rng.sample(SUMMER_COURSES, per_learner):
            rows.append(dict(account_number=account, kind="course_credit", code=code,
                             title=title, credits=rng.choice(["1", "1.5", "2", "3"]),
                             study_hours=str(rng.choice([16, 24, 32, 48])),
                             grade=rng.choice(GRADES + ["88/100", "76/100"]),
                             framework_level=str(rng.choice([4, 5])),
                             completion_date="%d-08-%02d" % (year, rng.randrange(1, 29))))
    rows = rows[:CRASH_ROWS]
    rows.sort(key=lambda row: row["code"])  # uploaded course by course
    for number, row in enumerate(rows, start=1):
        row["request_id"] = "T%dSU-%05d" % (year, number)
    write_csv(os.path.join(directory, "crash.csv"), rows)
    print("crash.csv: %d rows" % len(rows))


OPEN_UNIVERSITY = "5150000001"  # 重庆开放大学, open_university
OPEN_UNIVERSITY_COURSES = [("OU-CS101", "计算机应用基础（开放教育）", "4", 72, 6),
                           ("OU-LAW102", "法律基础", "3", 54, 6),
                           ("OU-MGT201", "管理学基础", "4", 72, 7)]


def record_args(row, institution):
    """The `cbctl ledger record` command line for one CSV-style row."""
    args = ["ledger", "record", "--institution", institution, "--account",
            row["account_number"], "--kind", row["kind"], "--code", row["code"], "--title",
            row["title"], "--completed", row["completion_date"]]
    for column, flag in [("credits", "--credits"), ("study_hours", "--hours"),
                         ("grade", "--grade"), ("framework_level", "--level"),
                         ("sector", "--sector"), ("valid_until", "--valid-until"),
                         ("request_id", "--request-id")]:
        if row.get(column):
            args += [flag, row[column]]
    return " ".join(shlex.quote(arg) for arg in args)


def write_records(directory, name, rows, institution):
    write_csv(os.path.join(directory, name + ".csv"), rows)
    with open(os.path.join(directory, name + ".args"), "w", encoding="utf-8") as out:
        for row in rows:
            out.write(record_args(row, institution) + "\n")


def cmd_open_university(directory):
    """Single outcomes the open university records with `cbctl ledger record`
    for 20 learners (open_university.csv for the model, .args to run)."""
    rng = random.Random(SEED + 4)
    accounts = read_accounts(directory)
    rows = []
    for account in accounts[:20]:
        code, title, credits, hours, level = rng.choice(OPEN_UNIVERSITY_COURSES)
        rows.append(dict(account_number=account, kind="course_credit", code=code, title=title,
                         credits=credits, study_hours=str(hours), grade=score_grade(rng),
                         framework_level=str(level), completion_date="%d-07-10" % term_year()))
    write_records(directory, "open_university", rows, OPEN_UNIVERSITY)


def cmd_freeze_files(directory, frozen_index, other_index):
    """freeze_record.{csv,args}: one outcome for the account to be frozen;
    freeze.csv: an upload with a row for it and a row for another account."""
    accounts = read_accounts(directory)
    frozen, other = accounts[int(frozen_index)], accounts[int(other_index)]
    single = dict(account_number=frozen, kind="course_credit", code="JX5001",
                  title="机械设计基础", credits="3", study_hours="48", grade="良好",
                  framework_level="5", completion_date="%d-07-09" % term_year())
    write_records(directory, "freeze_record", [single], COLLEGE)
    upload = [dict(single, code="JX5002", title="液压传动", request_id="T%dS1-F0001" % term_year()),
              dict(single, account_number=other, code="JX5002", title="液压传动",
                   request_id="T%dS1-F0002" % term_year())]
    write_csv(os.path.join(directory, "freeze.csv"), upload)


# ---------------------------------------------------------------------- model

def thousandths(text):
    text = text.strip()
    if not text:
        return 0
    whole, _, fraction = text.partition(".")
    return int(whole) * 1000 + int((fraction + "000")[:3])


class Model:
    """What the ledger should hold, from the files the script fed in."""

    def __init__(self, directory):
        self.rows = {}  # account -> list of recorded rows (dicts)
        self.reversals = {}  # account -> list of (institution, code)
        with open(os.path.join(directory, "model.txt")) as f:
            for line in f:
                parts = line.split()
                if not parts:
                    continue
                if parts[0] == "recorded":
                    self._add_csv(os.path.join(directory, parts[1]), parts[2])
                elif parts[0] == "reversed":
                    self._add_reversals(os.path.join(directory, parts[1]))
                else:
                    fail("model.txt: bad line %r" % line)

    def _add_csv(self, path, institution):
        with open(path, encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                row = {key: value.strip() for key, value in row.items()}
                row["institution"] = institution
                row["reversed"] = False
                rows = self.rows.setdefault(row["account_number"], [])
                if any(r["code"] == row["code"] and r["institution"] == institution
                       for r in rows):
                    fail("model: %s %s recorded twice by the script's own inputs" %
                         (row["account_number"], row["code"]))
                rows.append(row)

    def _add_reversals(self, path):
        with open(path) as f:
            for line in f:
                if not line.strip():
                    continue
                account, _, institution, code = line.rstrip("\n").split("\t")
                matches = [r for r in self.rows.get(account, [])
                           if r["code"] == code and r["institution"] == institution]
                if len(matches) != 1 or matches[0]["reversed"]:
                    fail("model: reversal of %s %s matches %d rows" % (account, code,
                                                                      len(matches)))
                matches[0]["reversed"] = True
                self.reversals.setdefault(account, []).append(matches[0])

    def balances(self, account, own_sector):
        """{(sector, level): fields} and the total, as GetBalances reports them."""
        today = bank_today()
        buckets = {}
        for row in self.rows.get(account, []):
            sector = "SECTOR_" + (row["sector"] or own_sector[row["institution"]]).upper()
            key = (sector, int(row["framework_level"] or 0))
            bucket = buckets.setdefault(key, dict.fromkeys(BALANCE_FIELDS, 0))
            credits = thousandths(row["credits"])
            hours = int(row["study_hours"] or 0)
            bucket["recorded_credits_milli"] += credits
            bucket["recorded_study_hours"] += hours
            bucket["entry_count"] += 1
            if row["reversed"]:
                bucket["reversed_credits_milli"] += credits
                bucket["reversed_study_hours"] += hours
                bucket["reversal_count"] += 1
            elif row["valid_until"] and \
                    datetime.date.fromisoformat(row["valid_until"]) < today:
                bucket["expired_credits_milli"] += credits
        total = dict.fromkeys(BALANCE_FIELDS, 0)
        for bucket in buckets.values():
            bucket["available_credits_milli"] = (bucket["recorded_credits_milli"] -
                                                 bucket["reversed_credits_milli"] -
                                                 bucket["expired_credits_milli"])
            for field in BALANCE_FIELDS:
                total[field] += bucket[field]
        return buckets, total

    def entries(self, account, own_sector):
        """Every entry of the account as (kind, sector, institution, date), with
        reversal entries dated today (their completion date is the reversal day)."""
        result = []
        for row in self.rows.get(account, []):
            sector = "SECTOR_" + (row["sector"] or own_sector[row["institution"]]).upper()
            kind = "OUTCOME_KIND_" + row["kind"].upper()
            result.append((kind, sector, row["institution"], row["completion_date"]))
            if row["reversed"]:
                result.append(("OUTCOME_KIND_REVERSAL", sector, row["institution"],
                               bank_today().isoformat()))
        return result


BALANCE_FIELDS = ["recorded_credits_milli", "converted_credits_milli", "reversed_credits_milli",
                  "expired_credits_milli", "available_credits_milli", "recorded_study_hours",
                  "reversed_study_hours", "entry_count", "reversal_count"]
OWN_SECTORS = {COLLEGE: "vocational", OPEN_UNIVERSITY: "open_university"}


def int_fields(balance):
    return {field: int(balance[field]) for field in BALANCE_FIELDS}


def cmd_check_balances(directory, balance_directory):
    model = Model(directory)
    accounts = sorted(name[:-len(".json")] for name in os.listdir(balance_directory))
    if not accounts:
        fail("no balances in " + balance_directory)
    problems = []
    totals = dict.fromkeys(BALANCE_FIELDS, 0)
    for account in accounts:
        with open(os.path.join(balance_directory, account + ".json")) as f:
            answer = json.load(f)
        buckets, total = model.balances(account, OWN_SECTORS)
        got_total = int_fields(answer["total"])
        if got_total != total:
            problems.append("%s total: got %s, want %s" % (account, got_total, total))
        got_buckets = {(b["sector"], int(b["framework_level"])): int_fields(b)
                       for b in answer["balances"]}
        if got_buckets != buckets:
            problems.append("%s buckets: got %s, want %s" % (account, got_buckets, buckets))
        if answer["account_number"] != account:
            problems.append("%s: answer is for %s" % (account, answer["account_number"]))
        for field in BALANCE_FIELDS:
            totals[field] += total[field]
    for problem in problems[:20]:
        print("MISMATCH " + problem, file=sys.stderr)
    if problems:
        fail("%d of %d accounts differ from the model" % (len(problems), len(accounts)))
    print("%d accounts match the model: %d entries, %d reversed, %s credits available, "
          "%s expired, %d hours" % (len(accounts), totals["entry_count"],
                                    totals["reversal_count"],
                                    totals["available_credits_milli"] / 1000,
                                    totals["expired_credits_milli"] / 1000,
                                    totals["recorded_study_hours"] -
                                    totals["reversed_study_hours"]))


def entry_matches(entry, filters):
    kind, sector, institution, date = entry
    for name, value in filters.items():
        if name == "kind" and kind != "OUTCOME_KIND_" + value.upper():
            return False
        if name == "sector" and sector != "SECTOR_" + value.upper():
            return False
        if name == "institution" and institution != value:
            return False
        if name == "from" and date < value:
            return False
        if name == "to" and date > value:
            return False
    return True


def date_text(date):
    return "%04d-%02d-%02d" % (date["year"], date["month"], date["day"])


def cmd_check_pages(directory, page_directory, all_path, account, filter_args):
    """Pages followed by hand must hold the entries --all gives, in order,
    each once, matching the filters, and as many as the model says."""
    filters = dict(arg.split("=", 1) for arg in filter_args)
    pages = sorted(os.listdir(page_directory), key=lambda name: int(name.split(".")[0]))
    ids = []
    for name in pages:
        with open(os.path.join(page_directory, name)) as f:
            page = json.load(f)
        for entry in page["entries"]:
            ids.append(int(entry["entry_id"]))
            outcome = entry["outcome"]
            seen = (outcome["kind"], outcome["sector"], entry["institution_code"],
                    date_text(outcome["completion_date"]))
            if outcome["account_number"] != account:
                fail("entry %s is on account %s" % (entry["entry_id"],
                                                    outcome["account_number"]))
            if not entry_matches(seen, filters):
                fail("entry %s %s does not match the filters %s" % (entry["entry_id"], seen,
                                                                    filters))
    with open(all_path) as f:
        all_ids = [int(entry["entry_id"]) for entry in json.load(f)["entries"]]
    if ids != sorted(set(ids)):
        fail("pages are not in entry order or repeat an entry: %s" % ids)
    if ids != all_ids:
        fail("pages give %s, --all gives %s" % (ids, all_ids))
    model = Model(directory)
    want = sum(1 for entry in model.entries(account, OWN_SECTORS) if entry_matches(entry, filters))
    if len(ids) != want:
        fail("%d entries listed for %s %s, the model has %d" % (len(ids), account, filters, want))
    print("%d entries in %d pages (%s), as --all and the model" %
          (len(ids), len(pages), " ".join(filter_args) or "no filter"))


def cmd_count(directory):
    """The number of entries (reversals included) the ledger should hold."""
    model = Model(directory)
    print(sum(len(model.entries(account, OWN_SECTORS)) for account in model.rows))


def cmd_check_bad_import(directory, summary_path, errors_path):
    """The --json summary and stderr of the bad.csv import name every bad
    row by its physical line and column, and nothing else."""
    with open(os.path.join(directory, "bad_lines.txt")) as f:
        want = dict((int(line), column) for line, column in
                    (entry.split() for entry in f if entry.strip()))
    with open(summary_path) as f:
        summary = json.load(f)
    with open(errors_path, encoding="utf-8") as f:
        errors = f.read()
    got = {}
    for problem in summary["problems"]:
        if problem["line"] in got:
            fail("line %d reported twice: %s" % (problem["line"], summary["problems"]))
        got[problem["line"]] = problem["column"]
    if sorted(got) != sorted(want):
        fail("problem lines %s, want %s" % (sorted(got), sorted(want)))
    for line, column in want.items():
        if column != "repeat" and got[line] != column:
            fail("line %d: column %r, want %r" % (line, got[line], column))
        if ("line %d: " % line) not in errors:
            fail("stderr does not mention line %d:\n%s" % (line, errors))
    good = summary["rows"] - len(want)
    if summary["failed"] != len(want) or summary["recorded"] + summary["replayed"] != good:
        fail("summary %s: want %d failed and %d recorded or replayed" % (
            {k: summary[k] for k in ("rows", "recorded", "replayed", "failed")}, len(want), good))
    print("%d bad rows reported on lines %s, %d good rows recorded or replayed" % (
        len(want), " ".join(str(line) for line in sorted(want)), good))


def cmd_pick_reversals(directory, list_directory):
    """From `ledger list --all` answers, two entries per account to reverse
    (the open university's own entry where there is one, else the college's)."""
    reasons = ["成绩录入错误", "重复登记", "学生申请缓考，成绩作废", "课程代码错误，重新导入"]
    lines = []
    for name in sorted(os.listdir(list_directory)):
        with open(os.path.join(list_directory, name)) as f:
            entries = json.load(f)["entries"]
        ours = [e for e in entries if e["outcome"]["kind"] != "OUTCOME_KIND_REVERSAL"
                and e["reversed_by_entry_id"] == "0"]
        ours.sort(key=lambda e: (e["institution_code"] != OPEN_UNIVERSITY, int(e["entry_id"])))
        for entry in ours[:2]:
            lines.append("\t".join([entry["institution_code"], entry["outcome"]["account_number"],
                                    entry["entry_id"], entry["outcome"]["code"],
                                    reasons[len(lines) % len(reasons)]]))
    with open(os.path.join(directory, "reversals.tsv"), "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    print("%d entries to reverse" % len(lines))


def cmd_check_reversals(directory, list_directory):
    """Each `cbctl --json ledger reverse` answer made a new reversal entry
    for the right entry; writes reversed.tsv for the model."""
    originals = {}
    for name in os.listdir(list_directory):
        with open(os.path.join(list_directory, name)) as f:
            for entry in json.load(f)["entries"]:
                originals[entry["entry_id"]] = entry
    with open(os.path.join(directory, "reversals.tsv"), encoding="utf-8") as f:
        picks = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    with open(os.path.join(directory, "reversals.jsonl")) as f:
        answers = [json.loads(line) for line in f if line.strip()]
    if len(answers) != len(picks):
        fail("%d reversals asked, %d answers" % (len(picks), len(answers)))
    new_ids = set()
    with open(os.path.join(directory, "reversed.tsv"), "w") as out:
        for (institution, account, entry_id, code, reason), answer in zip(picks, answers):
            entry, original = answer["entry"], originals[entry_id]
            checks = [
                (answer["replayed"], False), (entry["reverses_entry_id"], entry_id),
                (entry["outcome"]["kind"], "OUTCOME_KIND_REVERSAL"),
                (entry["outcome"]["account_number"], account),
                (entry["institution_code"], institution), (entry["reversal_reason"], reason),
                (entry["outcome"]["credits_milli"], original["outcome"]["credits_milli"]),
                (entry["outcome"]["study_hours"], original["outcome"]["study_hours"]),
                (entry["outcome"]["sector"], original["outcome"]["sector"]),
                (entry["outcome"]["code"], code),
            ]
            for got, want in checks:
                if got != want:
                    fail("reversal of entry %s: got %r, want %r in %s" % (entry_id, got, want,
                                                                         answer))
            if int(entry["entry_id"]) <= int(entry_id) or entry["entry_id"] in new_ids:
                fail("reversal entry id %s is not new" % entry["entry_id"])
            new_ids.add(entry["entry_id"])
            out.write("%s\t%s\t%s\t%s\n" % (account, entry_id, institution, code))
    print("%d reversal entries, each new and mirroring its original" % len(answers))


def cmd_same_balances(before_directory, after_directory):
    """Two snapshots of `ledger balances --json` are equal (as_of aside)."""
    names = sorted(os.listdir(before_directory))
    if names != sorted(os.listdir(after_directory)) or not names:
        fail("the snapshots cover different accounts")
    for name in names:
        answers = []
        for directory in (before_directory, after_directory):
            with open(os.path.join(directory, name)) as f:
                answer = json.load(f)
            answer.pop("as_of")
            answers.append(answer)
        if answers[0] != answers[1]:
            fail("%s changed:\n  before %s\n  after  %s" % (name, answers[0], answers[1]))
    print("%d accounts' balances unchanged" % len(names))


def cmd_get(path, dotted):
    with open(path) as f:
        value = json.load(f)
    for part in dotted.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    print(json.dumps(value) if isinstance(value, (dict, list, bool)) else value)


def main(argv):
    if len(argv) < 2:
        fail(__doc__)
    command, args = argv[1], argv[2:]
    commands = {
        "term-year": cmd_term_year, "learners": cmd_learners, "collect-accounts": cmd_collect_accounts,
        "term-csv": cmd_term_csv, "bad-csv": cmd_bad_csv, "crash-csv": cmd_crash_csv,
        "open-university": cmd_open_university, "freeze-files": cmd_freeze_files,
        "check-balances": cmd_check_balances, "get": cmd_get, "count": cmd_count,
        "check-bad-import": cmd_check_bad_import, "pick-reversals": cmd_pick_reversals,
        "check-reversals": cmd_check_reversals, "same-balances": cmd_same_balances,
    }
    if command == "check-pages":
        cmd_check_pages(args[0], args[1], args[2], args[3], args[4:])
    elif command in commands:
        commands[command](*args)
    else:
        fail("unknown command %r" % command)


if __name__ == "__main__":
    main(sys.argv)
