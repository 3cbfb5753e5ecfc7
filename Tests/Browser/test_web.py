"""The staff web interface in a real browser: headless Chromium (Debian's chromium and
chromium-driver) driven by selenium, against a real `crm serve --demo` the tests start on free
ports with a private data folder. Screenshots of every page (Russian) go to
.ci/artifacts/screenshots/."""

import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

import pytest
from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHOTS = ROOT / ".ci" / "artifacts" / "screenshots"
PASSWORD = "Browser-test-pass-1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A `crm serve --demo` on free ports, with the JSON API at hand for set-up and checks."""

    def __init__(self):
        binary = os.environ.get("CRM_BINARY", str(ROOT / ".build" / "debug" / "crm"))
        self.folder = tempfile.mkdtemp(prefix="crm-browser-")
        os.chmod(self.folder, 0o755)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(self.folder, "server.log"), "w")
        # A real SMTP server (aiosmtpd, the one the Swift tests use) receives the letters.
        self.mail = os.path.join(self.folder, "smtp")
        os.makedirs(self.mail)
        self.smtp = subprocess.Popen(
            [sys.executable, str(ROOT / "Tests" / "TestSupport" / "smtp_test_server.py"), "--dir", self.mail],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        smtp_port = self.smtp.stdout.readline().split()[1]
        self.process = subprocess.Popen(
            [binary, "serve", "--demo", "--demo-password", PASSWORD, "--data-dir", os.path.join(self.folder, "data"),
             "--http-port", str(self.port), "--console-port", str(free_port()), "--sql-dir", str(ROOT / "sql"),
             "--smtp-host", "127.0.0.1", "--smtp-port", smtp_port, "--smtp-security", "none",
             "--smtp-from", "ООО «Демо» <crm@example.test>"],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.time() + 240
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the server ended: " + open(self.log.name).read()[-2000:])
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("the server did not start")
        self.tokens = {}

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        self.smtp.terminate()
        self.smtp.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)

    def letters(self):
        """The letters the SMTP server received, parsed (subject, to, body, attachments)."""
        names = sorted(n for n in os.listdir(self.mail) if n.endswith(".json"))
        return [json.load(open(os.path.join(self.mail, n))) for n in names]

    def token(self, login):
        if login not in self.tokens:
            self.tokens[login] = self.api(None, "POST", "/api/v1/auth/login", {"login": login, "password": PASSWORD})[1]["token"]
        return self.tokens[login]

    def api(self, login, method, path, body=None, raw=None, content_type="application/json"):
        headers = {"Content-Type": content_type}
        if login:
            headers["Authorization"] = "Bearer " + self.token(login)
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(self.base + path, method=method, data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                text = r.read()
                return r.status, json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            text = e.read()
            return e.code, json.loads(text) if text else None

    def me(self, login):
        return self.api(login, "GET", "/api/v1/me")[1]


@pytest.fixture(scope="session")
def server():
    s = Server()
    yield s
    s.stop()


@pytest.fixture(scope="session", autouse=True)
def screenshots():
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield SHOTS


def new_browser(width=1366, height=900):
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=ru-RU", f"--window-size={width},{height}"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "ru-RU,ru"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    binary = shutil.which("chromium") or "/usr/bin/chromium"
    options.binary_location = binary
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    driver = webdriver.Chrome(service=webdriver.ChromeService(driver_path), options=options)
    driver.set_page_load_timeout(60)
    if width < 500:
        # Chromium's windows are never narrower than 500px (a 390px window is 500 wide, 485 inside):
        # a phone is emulated as a phone, its viewport set exactly.
        driver.phone = (width, height)
        phone(driver, height)
    return driver


def phone(driver, height):
    width = driver.phone[0]
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})


@pytest.fixture
def browsers():
    opened = []

    def make(**size):
        driver = new_browser(**size)
        opened.append(driver)
        return driver

    yield make
    for driver in opened:
        driver.quit()


def wait(driver, seconds=15):
    # Pages reload after a change: a poll that meets the page between two documents is retried.
    return WebDriverWait(driver, seconds, ignored_exceptions=(WebDriverException, StaleElementReferenceException))


def sign_in(driver, server, login, password=PASSWORD):
    driver.get(server.base + "/login")
    driver.find_element(By.NAME, "login").send_keys(login)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "#signin button[type=submit]").click()


def shot(driver, name, full=True):
    """A screenshot of the whole page (the window grows to the page's height for it)."""
    if getattr(driver, "phone", None):
        height = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
        if full:
            phone(driver, min(max(height, driver.phone[1]), 4000))
            time.sleep(0.3)
        driver.save_screenshot(str(SHOTS / f"{name}.png"))
        phone(driver, driver.phone[1])
        return
    size = driver.get_window_size()
    if full:
        height = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
        driver.set_window_size(size["width"], min(max(height + 160, size["height"]), 4000))
        time.sleep(0.3)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))
    driver.set_window_size(size["width"], size["height"])


def csp_violations(driver):
    return [entry["message"] for entry in driver.get_log("browser")
            if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]]


def column_of(card):
    return card.find_element(By.XPATH, "./ancestor::section[contains(@class,'column')]").get_attribute("data-stage-id")


def drag(driver, card, column):
    handle = card.find_element(By.CSS_SELECTOR, ".title")
    target = column.find_element(By.CSS_SELECTOR, "header")
    actions = ActionChains(driver, duration=50)
    actions.click_and_hold(handle).move_by_offset(10, 5).move_by_offset(20, 10).move_to_element(target).move_by_offset(0, 40)
    actions.release().perform()


# ---- the scenarios --------------------------------------------------------------------------


def test_sign_in_explains_refusals_and_every_page_renders(server, browsers):
    driver = browsers()
    sign_in(driver, server, "manager.msk", "wrong-password")
    problem = wait(driver).until(EC.visibility_of_element_located((By.ID, "signin-problem")))
    assert "Неверный логин или пароль" in problem.text
    shot(driver, "01-sign-in-refused", full=False)
    sign_in(driver, server, "manager.msk")
    wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
    cookie = driver.get_cookie("crm_session")
    assert cookie["httpOnly"] and cookie["sameSite"] in ("Lax", "Strict")
    client_id = server.api("manager.msk", "GET", "/api/v1/clients?limit=1")[1]["items"][0]["id"]
    deal_id = server.api("manager.msk", "GET", "/api/v1/deals?limit=1&pipeline_id=1")[1]["items"][0]["id"]
    pages = [("02-board", "/board?pipeline=1", "board"), ("03-deal-list", "/deals?pipeline=1&sort=-amount", "deal-list"),
             ("04-deal-card", f"/deals/{deal_id}", "stage-bar"), ("05-client-card", f"/clients/{client_id}", "client-contacts"),
             ("06-tasks", "/tasks", "tasks-overdue"), ("07-planner", "/planner", "planner"),
             ("08-reports", "/reports", None), ("09-funnel", "/reports/funnel?pipeline=1", "funnel-table"),
             ("10-profile", "/profile", "password-form")]
    for name, path, element in pages:
        driver.get(server.base + path)
        if element:
            wait(driver).until(EC.presence_of_element_located((By.ID, element)))
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ru"
        shot(driver, name)
    assert csp_violations(driver) == []
    # A deal the user may not see is the API's 404, on the page too.
    driver.get(server.base + "/deals/999999")
    assert "Не найдено" in driver.find_element(By.TAG_NAME, "h1").text


def test_drag_one_stage_forward_moves_two_stages_is_refused_and_the_card_goes_back(server, browsers):
    me = server.me("manager.msk")["id"]
    mine = server.api("manager.msk", "GET", f"/api/v1/deals?pipeline_id=1&stage_id=2&responsible_id={me}")[1]["items"]
    assert len(mine) >= 2, "the demo has two of the manager's deals in «Квалификация»"
    first, second = mine[0]["id"], mine[1]["id"]
    driver = browsers()
    sign_in(driver, server, "manager.msk")
    wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
    driver.get(server.base + "/board?pipeline=1")
    card = driver.find_element(By.CSS_SELECTOR, f".deal-card[data-deal-id='{first}']")
    assert column_of(card) == "2"
    count_before = driver.find_element(By.CSS_SELECTOR, ".column[data-stage-id='3'] .count").text
    drag(driver, card, driver.find_element(By.CSS_SELECTOR, ".column[data-stage-id='3']"))
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".toast.ok")))
    card = driver.find_element(By.CSS_SELECTOR, f".deal-card[data-deal-id='{first}']")
    assert column_of(card) == "3"
    assert server.api("manager.msk", "GET", f"/api/v1/deals/{first}")[1]["stage_id"] == 3
    assert int(driver.find_element(By.CSS_SELECTOR, ".column[data-stage-id='3'] .count").text) == int(count_before) + 1
    shot(driver, "11-board-after-move", full=False)

    card = driver.find_element(By.CSS_SELECTOR, f".deal-card[data-deal-id='{second}']")
    drag(driver, card, driver.find_element(By.CSS_SELECTOR, ".column[data-stage-id='4']"))
    toast = wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".toast.error")))
    assert "Перенос отклонён" in toast.text and "«Коммерческое предложение»" in toast.text, toast.text
    time.sleep(0.3)
    card = driver.find_element(By.CSS_SELECTOR, f".deal-card[data-deal-id='{second}']")
    assert column_of(card) == "2"
    assert server.api("manager.msk", "GET", f"/api/v1/deals/{second}")[1]["stage_id"] == 2
    shot(driver, "12-board-move-refused", full=False)



def test_dropping_a_card_on_lost_asks_for_the_loss_reason(server, browsers):
    me = server.me("manager.msk")["id"]
    deal = server.api("manager.msk", "GET", f"/api/v1/deals?pipeline_id=1&stage_id=3&responsible_id={me}")[1]["items"][0]["id"]
    driver = browsers(width=1900, height=1000)
    sign_in(driver, server, "manager.msk")
    wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
    driver.get(server.base + "/board?pipeline=1")
    card = driver.find_element(By.CSS_SELECTOR, f".deal-card[data-deal-id='{deal}']")
    drag(driver, card, driver.find_element(By.CSS_SELECTOR, ".column[data-kind='lost']"))
    wait(driver).until(EC.visibility_of_element_located((By.ID, "loss-dialog")))
    shot(driver, "27-loss-reason-dialog", full=False)
    driver.find_element(By.ID, "loss-ok").click()
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".toast.ok")))
    moved = server.api("manager.msk", "GET", f"/api/v1/deals/{deal}")[1]
    assert moved["loss_reason_id"] is not None and moved["closed_at"] is not None


def test_custom_fields_are_typed_inputs_saved_through_the_api(server, browsers):
    deal = server.api("purchaser", "GET", "/api/v1/deals?pipeline_id=3&stage_id=14")[1]["items"][0]["id"]
    driver = browsers()
    sign_in(driver, server, "purchaser")
    wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
    driver.get(server.base + f"/deals/{deal}")
    form = driver.find_element(By.ID, "custom-fields-form")
    assert form.find_element(By.NAME, "custom_fields.invoice_date").get_attribute("type") == "date"
    assert form.find_element(By.NAME, "custom_fields.full_prepayment").get_attribute("type") == "checkbox"
    form.find_element(By.NAME, "custom_fields.invoice_number").send_keys("СЧ-2026-15")
    driver.execute_script("arguments[0].value = '2026-12-15'", form.find_element(By.NAME, "custom_fields.invoice_date"))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".toast.ok")))
    fields = server.api("purchaser", "GET", f"/api/v1/deals/{deal}")[1]["custom_fields"]
    assert fields["invoice_number"] == "СЧ-2026-15" and fields["invoice_date"] == "2026-12-15"
    shot(driver, "28-deal-custom-fields")


def test_complete_a_task(server, browsers):
    me = server.me("manager.msk")["id"]
    tasks = server.api("manager.msk", "GET", f"/api/v1/tasks?assignee_id={me}&status=open&limit=100")[1]["items"]
    task = next(t for t in tasks if t["proof"] == "none" and t["due_at"])
    driver = browsers()
    sign_in(driver, server, "manager.msk")
    wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
    driver.get(server.base + "/tasks")
    driver.find_element(By.CSS_SELECTOR, f"li[data-task-id='{task['id']}'] button[data-action='api']").click()
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".toast.ok")))
    assert not driver.find_elements(By.CSS_SELECTOR, f"li[data-task-id='{task['id']}']")
    assert server.api("manager.msk", "GET", f"/api/v1/tasks/{task['id']}")[1]["status"] == "done"
    shot(driver, "13-task-completed", full=False)


def test_register_a_call_in_two_clicks_and_see_it_on_the_client_card(server, browsers):
    client = server.api("manager.msk", "GET", "/api/v1/clients?limit=1")[1]["items"][0]
    summary = "Звонок из браузерного теста " + uuid.uuid4().hex[:8]
    driver = browsers()
    sign_in(driver, server, "manager.msk")
    wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
    driver.get(server.base + f"/clients/{client['id']}")
    driver.find_element(By.ID, "register-call").click()                        # click 1
    wait(driver).until(EC.visibility_of_element_located((By.ID, "interaction-summary"))).send_keys(summary)
    driver.find_element(By.ID, "interaction-save").click()                     # click 2
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "client-interactions"), summary))
    shot(driver, "14-client-card-call-registered")
    found = server.api("manager.msk", "GET", f"/api/v1/interactions?client_id={client['id']}&kind=call&limit=500")[1]["items"]
    assert any(i["summary"] == summary for i in found)


def test_procurement_head_answers_an_approval(server, browsers):
    # Set-up through the API: the purchaser fills the invoice fields and sends deal 57 on to
    # «Выбрано для согласования руководителем закупок», whose chain asks the procurement head.
    deals = server.api("purchaser", "GET", "/api/v1/deals?pipeline_id=3&stage_id=15")[1]["items"]
    deal = deals[0]["id"]
    status, file = server.api("purchaser", "POST", f"/api/v1/files?name=scan.pdf&deal_id={deal}", raw=b"%PDF-1.4 scan",
                              content_type="application/pdf")
    assert status == 201, file
    fields = dict(deals[0]["custom_fields"], invoice_number="СЧ-77", invoice_scan=file["id"])
    assert server.api("purchaser", "PATCH", f"/api/v1/deals/{deal}", {"custom_fields": fields})[0] == 200
    for task in server.api("purchaser", "GET", f"/api/v1/tasks?deal_id={deal}&status=open")[1]["items"]:
        if task["required"]:
            assert server.api("purchaser", "PATCH", f"/api/v1/tasks/{task['id']}", {"status": "done"})[0] == 200
    status, moved = server.api("purchaser", "GET", f"/api/v1/deals/{deal}")
    if moved["stage_id"] == 15:  # completing the stage's tasks may move it on by itself
        status, moved = server.api("purchaser", "PATCH", f"/api/v1/deals/{deal}", {"stage_id": 16})
    assert status == 200, moved
    approvals = server.api("procurement.head", "GET", f"/api/v1/approvals?deal_id={deal}&status=pending")[1]["items"]
    assert len(approvals) == 1
    approval = approvals[0]["id"]

    driver = browsers()
    sign_in(driver, server, "procurement.head")
    wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
    driver.get(server.base + f"/deals/{deal}")
    form = driver.find_element(By.ID, f"approval-{approval}")
    form.find_element(By.NAME, "comment").send_keys("Цена в пределах бюджета")
    shot(driver, "15-approval-pending")
    form.find_element(By.CSS_SELECTOR, "button[value='approve']").click()
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".toast.ok")))
    assert "согласовано" in driver.find_element(By.ID, "deal-approvals").text
    answered = server.api("procurement.head", "GET", f"/api/v1/approvals/{approval}")[1]
    assert answered["status"] == "approved" and answered["comment"] == "Цена в пределах бюджета"
    shot(driver, "16-approval-answered")


def test_the_bell_counts_live_when_another_user_assigns_a_task_and_a_reminder_pops_up(server, browsers):
    manager = server.me("manager.msk")["id"]
    driver = browsers()
    sign_in(driver, server, "manager.msk")
    wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
    time.sleep(1.5)  # the event stream connects
    before = int(driver.find_element(By.ID, "bell-count").text)
    status, task = server.api("head.msk", "POST", "/api/v1/tasks",
                              {"title": "Подготовить договор для клиента", "assignee_id": manager})
    assert status == 201, task
    wait(driver).until(lambda d: int(d.find_element(By.ID, "bell-count").text) == before + 1)
    shot(driver, "17-bell-count-live", full=False)

    soon = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() + 3))
    status, reminder = server.api("manager.msk", "POST", "/api/v1/tasks",
                                  {"title": "Перезвонить клиенту", "assignee_id": manager, "due_at": soon, "reminder_at": soon})
    assert status == 201, reminder
    popup = wait(driver, 30).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".toast.reminder")))
    assert "Перезвонить клиенту" in popup.text
    shot(driver, "18-reminder-popup", full=False)
    driver.find_element(By.ID, "bell").click()
    wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#bell-list .notification")))
    shot(driver, "19-notifications-list", full=False)


def test_a_st_petersburg_managers_board_holds_none_of_the_moscow_deals(server, browsers):
    # The Moscow deals: those the Moscow manager sees (his territory, Central: Moscow and Tula).
    moscow_deals = {d["id"] for d in server.api("manager.msk", "GET", "/api/v1/deals?limit=500")[1]["items"]}
    assert moscow_deals
    assert set(server.me("manager.msk")["territory_ids"]).isdisjoint(server.me("manager.spb")["territory_ids"])
    driver = browsers()
    sign_in(driver, server, "manager.spb")
    wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
    pipelines = [p["id"] for p in server.api("manager.spb", "GET", "/api/v1/pipelines")[1]["items"]]
    seen = set()
    for pipeline in pipelines:
        driver.get(server.base + f"/board?pipeline={pipeline}")
        wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
        seen |= {int(c.get_attribute("data-deal-id")) for c in driver.find_elements(By.CSS_SELECTOR, ".deal-card")}
        if pipeline == 1:
            shot(driver, "20-board-st-petersburg", full=False)
    assert seen, "the St Petersburg manager sees their own deals"
    assert seen.isdisjoint(moscow_deals)
    visible = {d["id"] for d in server.api("manager.spb", "GET", "/api/v1/deals?limit=500")[1]["items"]}
    assert seen <= visible, "the board shows no deal the API would not"
    driver.get(server.base + f"/deals/{min(moscow_deals)}")
    assert "Не найдено" in driver.find_element(By.TAG_NAME, "h1").text


def test_english_is_a_switch_away_and_the_board_fits_a_phone(server, browsers):
    driver = browsers(width=390, height=844)
    sign_in(driver, server, "junior.msk")
    wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
    shot(driver, "21-board-phone", full=False)
    driver.find_element(By.CSS_SELECTOR, "form[action='/language'] button").click()
    wait(driver).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
    assert "Filters" in driver.find_element(By.CSS_SELECTOR, ".filters summary").text
    driver.find_element(By.CSS_SELECTOR, "form[action='/language'] button").click()
    wait(driver).until(lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ru")
    driver.find_element(By.ID, "logout").click() if driver.find_element(By.ID, "logout").is_displayed() else None


def test_completing_the_required_task_moves_the_deal_by_itself(server, browsers):
    # «Продажа B2B»: «Квалификация» sets the required task «Квалифицировать клиента» and moves on
    # by itself once it is done.
    pipeline = next(p for p in server.api("manager.msk", "GET", "/api/v1/pipelines")[1]["items"] if p["name"].startswith("Продажа B2B"))
    first, second = pipeline["stages"][0]["id"], pipeline["stages"][1]["id"]
    client = server.api("manager.msk", "GET", "/api/v1/clients?limit=1")[1]["items"][0]["id"]
    status, deal = server.api("manager.msk", "POST", "/api/v1/deals",
                              {"title": "Ингредиенты для новой линии", "pipeline_id": pipeline["id"], "stage_id": first,
                               "client_id": client, "amount": "150000.00"})
    assert status == 201, deal
    task = next(t for t in server.api("manager.msk", "GET", f"/api/v1/tasks?deal_id={deal['id']}")[1]["items"] if t["required"])
    driver = browsers()
    sign_in(driver, server, "manager.msk")
    wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
    driver.get(server.base + f"/deals/{deal['id']}")
    assert driver.find_element(By.CSS_SELECTOR, "#stage-bar .stage.current").get_attribute("data-stage") == str(first)
    driver.find_element(By.CSS_SELECTOR, f"#deal-tasks li[data-task-id='{task['id']}'] button[data-action='api']").click()
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".toast.ok")))
    assert driver.find_element(By.CSS_SELECTOR, "#stage-bar .stage.current").get_attribute("data-stage") == str(second)
    assert server.api("manager.msk", "GET", f"/api/v1/deals/{deal['id']}")[1]["stage_id"] == second
    shot(driver, "22-deal-moved-by-automation")


def test_drag_a_task_to_another_day_in_the_planner(server, browsers):
    manager = server.me("manager.msk")["id"]
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 3 * 3600))
    status, task = server.api("manager.msk", "POST", "/api/v1/tasks",
                              {"title": "Встреча в планировщике", "assignee_id": manager, "due_at": today + "T11:30:00+03:00",
                               "time_zone": "Europe/Moscow"})
    assert status == 201, task
    driver = browsers()
    sign_in(driver, server, "manager.msk")
    wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
    driver.get(server.base + "/planner")
    chip = driver.find_element(By.CSS_SELECTOR, f".chip[data-task-id='{task['id']}']")
    days = driver.find_elements(By.CSS_SELECTOR, ".day")
    index = next(i for i, d in enumerate(days) if d.get_attribute("data-date") == today)
    target = days[index + 1] if index + 1 < len(days) else days[index - 1]
    ActionChains(driver, duration=50).click_and_hold(chip).move_by_offset(8, 4).move_to_element(target).release().perform()
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".toast.ok")))
    moved = server.api("manager.msk", "GET", f"/api/v1/tasks/{task['id']}")[1]
    assert moved["due_local"] == target.get_attribute("data-date") + "T11:30:00", moved



def test_counterparty_identifiers_are_checked_as_typed_and_a_duplicate_is_offered(server, browsers):
    existing = server.api("manager.msk", "GET", "/api/v1/counterparties?limit=1")[1]["items"][0]
    driver = browsers()
    sign_in(driver, server, "manager.msk")
    wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
    driver.get(server.base + f"/clients/{existing['client_id']}")
    driver.find_element(By.ID, "new-counterparty-button").click()
    inn = driver.find_element(By.ID, "counterparty-inn")
    inn.send_keys("7701000081")  # a wrong check digit
    hint = driver.find_element(By.CSS_SELECTOR, "#counterparty-inn + .check-hint")
    assert "bad" in hint.get_attribute("class") and "контрольная цифра" in hint.text
    inn.clear()
    inn.send_keys(existing["inn"])
    assert "ok" in hint.get_attribute("class")
    if existing.get("kpp"):
        driver.find_element(By.ID, "counterparty-kpp").send_keys(existing["kpp"])
    driver.find_element(By.NAME, "legal_name").send_keys("Дубликат " + existing["legal_name"])
    driver.find_element(By.ID, "counterparty-save").click()
    toast = wait(driver).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".toast.error")))
    assert "Такой контрагент уже есть" in toast.text and existing["legal_name"] in toast.text, toast.text
    shot(driver, "26-counterparty-duplicate", full=False)


def test_administrator_trees_networks_and_sessions(server, browsers):
    from selenium.webdriver.support.ui import Select
    admin = browsers()
    sign_in(admin, server, "admin")
    wait(admin).until(EC.presence_of_element_located((By.CSS_SELECTOR, "main")))
    # Departments: a new one under «Moscow sales», shown in the tree with the outcome.
    admin.get(server.base + "/admin/departments")
    tree = wait(admin).until(EC.presence_of_element_located((By.ID, "departments-tree")))
    assert "Moscow sales" in tree.text
    form = admin.find_element(By.ID, "departments-add")
    form.find_element(By.NAME, "name").send_keys("Отдел ключевых клиентов")
    Select(form.find_element(By.NAME, "parent")).select_by_visible_text(
        next(o.text for o in form.find_elements(By.CSS_SELECTOR, "select[name=parent] option") if o.text.endswith("Moscow sales")))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert wait(admin).until(EC.text_to_be_present_in_element((By.ID, "tree-result"), "Добавлено"))
    assert "Отдел ключевых клиентов" in admin.find_element(By.ID, "departments-tree").text
    shot(admin, "33-admin-departments")
    # Moving a node under its own branch is refused in words.
    move = admin.find_element(By.ID, "departments-move")
    node = next(o.get_attribute("value") for o in move.find_elements(By.CSS_SELECTOR, "select[name=node] option") if o.text == "Management")
    Select(move.find_element(By.NAME, "node")).select_by_value(node)
    Select(move.find_element(By.NAME, "parent")).select_by_visible_text(
        next(o.text for o in move.find_elements(By.CSS_SELECTOR, "select[name=parent] option") if o.text.endswith("Moscow sales")))
    move.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert wait(admin).until(EC.text_to_be_present_in_element((By.ID, "tree-result"), "внутрь его собственной ветви"))
    admin.get(server.base + "/admin/territories")
    assert wait(admin).until(EC.text_to_be_present_in_element((By.ID, "territories-tree"), "Moscow"))
    shot(admin, "34-admin-territories")

    # Networks: an export network for the accountants, listed, then removed.
    admin.get(server.base + "/admin/networks")
    form = wait(admin).until(EC.presence_of_element_located((By.ID, "network-add")))
    form.find_element(By.NAME, "network").send_keys("10.20.0.0/16")
    holder = next(o.get_attribute("value") for o in form.find_elements(By.CSS_SELECTOR, "select[name=holder] option") if o.text == "accountant")
    Select(form.find_element(By.NAME, "holder")).select_by_value(holder)
    Select(form.find_element(By.NAME, "purpose")).select_by_value("export")
    form.find_element(By.NAME, "description").send_keys("Бухгалтерия, 3 этаж")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert wait(admin).until(EC.text_to_be_present_in_element((By.ID, "admin-result"), "Сеть разрешена"))
    table = admin.find_element(By.ID, "networks")
    assert "10.20.0.0/16" in table.text and "выгрузка" in table.text and "Бухгалтерия, 3 этаж" in table.text
    shot(admin, "35-admin-networks")
    table.find_element(By.CSS_SELECTOR, "form[action='/admin/networks/remove'] button").click()
    assert wait(admin).until(EC.text_to_be_present_in_element((By.ID, "admin-result"), "Сеть удалена"))
    assert admin.find_elements(By.ID, "networks-empty")

    # Sessions: the accountant's browser session is listed and ended; that browser is signed out.
    accountant = browsers()
    sign_in(accountant, server, "accountant")
    wait(accountant).until(EC.presence_of_element_located((By.ID, "board")))
    admin.get(server.base + "/admin/sessions?login=accountant")
    rows = wait(admin).until(EC.presence_of_element_located((By.ID, "sessions"))).find_elements(By.CSS_SELECTOR, "tbody tr")
    assert rows and all("accountant" in r.text for r in rows)
    admin.get(server.base + "/admin/sessions")
    assert "это вы" in admin.find_element(By.ID, "sessions").text
    shot(admin, "36-admin-sessions")
    admin.get(server.base + "/admin/sessions?login=accountant")
    wait(admin).until(EC.presence_of_element_located((By.ID, "sessions"))).find_element(
        By.CSS_SELECTOR, "tbody tr form[action='/admin/sessions/end'] button").click()
    assert wait(admin).until(EC.text_to_be_present_in_element((By.ID, "admin-result"), "Сеанс завершён"))
    accountant.get(server.base + "/board")
    wait(accountant).until(EC.presence_of_element_located((By.ID, "signin")))
    assert "/login" in accountant.current_url
    shot(accountant, "37-session-ended-sign-in", full=False)
    # A manager is refused the administration pages.
    manager = browsers()
    sign_in(manager, server, "manager.spb")
    wait(manager).until(EC.presence_of_element_located((By.ID, "board")))
    manager.get(server.base + "/admin/sessions")
    assert "Недостаточно прав" in manager.find_element(By.TAG_NAME, "h1").text
    assert csp_violations(admin) == []


def test_a_call_with_a_task_for_a_colleague_a_new_client_and_a_new_deal(server, browsers):
    from selenium.webdriver.support.ui import Select
    driver = browsers()
    sign_in(driver, server, "manager.msk")
    wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
    # Clients: search, then a new client with a similar name offered while typing.
    existing = server.api("manager.msk", "GET", "/api/v1/clients?limit=1")[1]["items"][0]
    driver.get(server.base + "/clients")
    wait(driver).until(EC.presence_of_element_located((By.ID, "client-list")))
    shot(driver, "38-clients")
    driver.find_element(By.ID, "new-client-button").click()
    name = "Клиент из браузера " + uuid.uuid4().hex[:6]
    field = driver.find_element(By.ID, "client-name-input")
    field.send_keys(existing["name"][:-1])
    similar = wait(driver).until(EC.visibility_of_element_located((By.ID, "similar-clients")))
    assert existing["name"] in similar.text
    shot(driver, "39-new-client-similar", full=False)
    field.clear()
    field.send_keys(name)
    driver.find_element(By.ID, "client-save").click()
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "client-name"), name))
    client_id = int(driver.current_url.rstrip("/").split("/")[-1])
    # A call with a task for a colleague in two days.
    head = server.me("head.msk")["id"]
    driver.find_element(By.ID, "register-call").click()
    wait(driver).until(EC.visibility_of_element_located((By.ID, "interaction-summary"))).send_keys("Договорились о встрече")
    Select(driver.find_element(By.ID, "follow-up-kind")).select_by_value("colleague")
    Select(driver.find_element(By.ID, "follow-up-assignee")).select_by_value(str(head))
    title = driver.find_element(By.ID, "follow-up-title")
    title.clear()
    title.send_keys("Подготовить КП для " + name)
    shot(driver, "40-call-with-task-for-colleague", full=False)
    driver.find_element(By.ID, "interaction-save").click()
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "client-interactions"), "Договорились о встрече"))
    tasks = server.api("head.msk", "GET", f"/api/v1/tasks?client_id={client_id}&assignee_id={head}")[1]["items"]
    assert any(t["title"] == "Подготовить КП для " + name for t in tasks), tasks
    # A reminder for oneself, «перезвонить через 2 дня».
    driver.find_element(By.ID, "register-call").click()
    wait(driver).until(EC.visibility_of_element_located((By.ID, "interaction-summary"))).send_keys("Не дозвонился")
    Select(driver.find_element(By.ID, "follow-up-kind")).select_by_value("me")
    driver.find_element(By.ID, "interaction-save").click()
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "client-interactions"), "Не дозвонился"))
    me = server.me("manager.msk")["id"]
    mine = server.api("manager.msk", "GET", f"/api/v1/tasks?client_id={client_id}&assignee_id={me}")[1]["items"]
    callback = next(t for t in mine if t["title"] == "Перезвонить")
    assert callback["reminder_at"] == callback["due_at"]
    due = time.mktime(time.strptime(callback["due_local"][:16], "%Y-%m-%dT%H:%M"))
    assert 1.9 * 86400 < due - time.mktime(time.gmtime(time.time() + 3 * 3600)) < 2.1 * 86400, callback
    # A new deal for it from the board: the client found by name, the amount as typed in Russian.
    driver.get(server.base + "/board?pipeline=1")
    wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
    driver.find_element(By.ID, "new-deal-button").click()
    driver.find_element(By.ID, "new-deal-title").send_keys("Поставка из браузера")
    driver.find_element(By.ID, "new-deal-client-search").send_keys(name)
    wait(driver).until(lambda d: d.find_element(By.ID, "new-deal-client").get_attribute("value") == str(client_id))
    driver.find_element(By.ID, "new-deal-amount").send_keys("12 500,50")
    shot(driver, "41-new-deal-form", full=False)
    driver.find_element(By.ID, "new-deal-save").click()
    wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".toast.ok")))
    deal = server.api("manager.msk", "GET", f"/api/v1/deals?client_id={client_id}")[1]["items"][0]
    assert deal["amount"] == "12500.50" and deal["title"] == "Поставка из браузера"
    card = wait(driver).until(EC.presence_of_element_located((By.CSS_SELECTOR, f".deal-card[data-deal-id='{deal['id']}']")))
    assert column_of(card) == str(deal["stage_id"])
    # The deal card's change history after a move, old → new by name.
    server.api("manager.msk", "PATCH", f"/api/v1/deals/{deal['id']}", {"amount": "13000.00"})
    driver.get(server.base + f"/deals/{deal['id']}")
    history = wait(driver).until(EC.presence_of_element_located((By.ID, "deal-changes")))
    assert "12 500,50" in history.text.replace("\u00a0", " ") and "13 000,00" in history.text.replace("\u00a0", " ")
    shot(driver, "42-deal-change-history")
    assert csp_violations(driver) == []


def test_edit_a_deals_fields_and_add_a_contact_with_a_phone(server, browsers):
    from selenium.webdriver.support.ui import Select
    me = server.me("manager.msk")["id"]
    client = server.api("manager.msk", "GET", f"/api/v1/clients?owner_id={me}&limit=1")[1]["items"][0]["id"]
    status, deal = server.api("manager.msk", "POST", "/api/v1/deals", {"title": "Правка полей", "client_id": client, "pipeline_id": 1,
                                                                         "amount": "1000.00"})
    assert status == 201, deal
    driver = browsers()
    sign_in(driver, server, "manager.msk")
    wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
    driver.get(server.base + f"/deals/{deal['id']}")
    driver.find_element(By.ID, "deal-edit-button").click()
    form = driver.find_element(By.ID, "deal-edit-form")
    amount = form.find_element(By.NAME, "amount")
    amount.clear()
    amount.send_keys("2 750,25")
    form.find_element(By.NAME, "probability").clear()
    form.find_element(By.NAME, "probability").send_keys("60")
    driver.execute_script("arguments[0].value = '2026-12-31'", form.find_element(By.NAME, "expected_close_date"))
    shot(driver, "48-deal-edit-fields", full=False)
    driver.find_element(By.ID, "deal-edit-save").click()
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "deal-fields"), "2 750,25"))
    saved = server.api("manager.msk", "GET", f"/api/v1/deals/{deal['id']}")[1]
    assert saved["amount"] == "2750.25" and saved["probability"] == 60 and saved["expected_close_date"] == "2026-12-31", saved
    driver.get(server.base + f"/clients/{client}")
    driver.find_element(By.ID, "new-contact-button").click()
    form = driver.find_element(By.ID, "contact-form")
    name = "Контакт " + uuid.uuid4().hex[:6]
    form.find_element(By.NAME, "name").send_keys(name)
    form.find_element(By.NAME, "position").send_keys("Главный технолог")
    driver.find_element(By.ID, "contact-phone").send_keys("+7 (495) 765-43-21")
    driver.find_element(By.ID, "contact-save").click()
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "client-contacts"), name))
    link = driver.find_element(By.CSS_SELECTOR, "#client-contacts a.tel[href='tel:+74957654321']")
    assert "765" in link.text
    shot(driver, "49-client-contact-added")


def test_the_deal_and_client_cards_fit_a_phone(server, browsers):
    driver = browsers(width=390, height=844)
    sign_in(driver, server, "manager.msk")
    wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
    deal_id = server.api("manager.msk", "GET", "/api/v1/deals?limit=1&pipeline_id=1")[1]["items"][0]["id"]
    driver.get(server.base + f"/deals/{deal_id}")
    wait(driver).until(EC.presence_of_element_located((By.ID, "stage-bar")))
    shot(driver, "43-phone-deal-card")
    deal_width = driver.execute_script("return document.documentElement.scrollWidth")
    client_id = server.api("manager.msk", "GET", "/api/v1/clients?limit=1")[1]["items"][0]["id"]
    driver.get(server.base + f"/clients/{client_id}")
    wait(driver).until(EC.presence_of_element_located((By.ID, "client-contacts")))
    shot(driver, "44-phone-client-card")
    assert deal_width <= 400 and driver.execute_script("return document.documentElement.scrollWidth") <= 400


def test_cards_and_admin_pages_fit_a_phone(server, browsers):
    driver = browsers(width=390, height=844)
    sign_in(driver, server, "manager.msk")
    wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
    client_id = server.api("manager.msk", "GET", "/api/v1/clients?limit=1")[1]["items"][0]["id"]
    deal_id = server.api("manager.msk", "GET", "/api/v1/deals?limit=1&pipeline_id=1")[1]["items"][0]["id"]
    for name, path in (("45-phone-tasks", "/tasks"), ("46-phone-planner", "/planner")):
        driver.get(server.base + path)
        wait(driver).until(EC.presence_of_element_located((By.TAG_NAME, "main")))
        wide = driver.execute_script("return document.documentElement.scrollWidth")
        assert wide <= 400, f"{path} is {wide}px wide on a 390px phone"
        shot(driver, name)
    admin = browsers(width=390, height=844)
    sign_in(admin, server, "admin")
    wait(admin).until(EC.presence_of_element_located((By.CSS_SELECTOR, "main")))
    admin.get(server.base + "/admin/departments")
    wait(admin).until(EC.presence_of_element_located((By.ID, "departments-tree")))
    assert admin.execute_script("return document.documentElement.scrollWidth") <= 400
    shot(admin, "47-phone-admin-departments")


def test_an_administrator_narrows_a_roles_scope_and_the_managers_board_changes(server, browsers):
    """Runs last: it changes the demo's «manager» role (and restores it)."""
    def board_ids(driver):
        driver.get(server.base + "/board?pipeline=1")
        wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
        return {int(c.get_attribute("data-deal-id")) for c in driver.find_elements(By.CSS_SELECTOR, ".deal-card")}

    me = server.me("manager.msk")["id"]
    manager = browsers()
    sign_in(manager, server, "manager.msk")
    before = board_ids(manager)
    assert any(server.api("manager.msk", "GET", f"/api/v1/deals/{d}")[1]["owner_id"] != me for d in before)

    admin = browsers()
    sign_in(admin, server, "admin")
    wait(admin).until(EC.presence_of_element_located((By.CSS_SELECTOR, "main")))
    admin.get(server.base + "/admin/roles")
    role_link = next(a for a in admin.find_elements(By.CSS_SELECTOR, "nav.tabs a") if a.text.strip() == "manager")
    role_link.click()
    cell = wait(admin).until(EC.presence_of_element_located((By.NAME, "cell.deal.read")))
    original = cell.get_attribute("value")
    from selenium.webdriver.support.ui import Select
    Select(cell).select_by_value("own")
    shot(admin, "23-admin-role-matrix")
    admin.find_element(By.ID, "role-save").click()
    wait(admin).until(EC.presence_of_element_located((By.ID, "roles-notice")))
    server.tokens.clear()  # the change ended the role's sessions

    # The manager's session was ended: sign in again and see only own deals.
    manager.get(server.base + "/board?pipeline=1")
    assert "/login" in manager.current_url
    sign_in(manager, server, "manager.msk")
    after = board_ids(manager)
    assert after < before
    assert all(server.api("manager.msk", "GET", f"/api/v1/deals/{d}")[1]["owner_id"] == me for d in after)
    shot(manager, "24-board-after-role-change", full=False)

    admin.get(server.base + "/admin/audit?table=crm.role_permissions")
    assert "crm.role_permissions" in admin.find_element(By.ID, "audit-log").text
    shot(admin, "25-admin-audit")
    admin.get(server.base + "/admin/roles")
    next(a for a in admin.find_elements(By.CSS_SELECTOR, "nav.tabs a") if a.text.strip() == "manager").click()
    Select(wait(admin).until(EC.presence_of_element_located((By.NAME, "cell.deal.read")))).select_by_value(original)
    admin.find_element(By.ID, "role-save").click()
    wait(admin).until(EC.presence_of_element_located((By.ID, "roles-notice")))
    server.tokens.clear()


def test_the_director_reads_the_reports_abc_xyz_matrix_and_debts(server, browsers):
    driver = browsers()
    sign_in(driver, server, "director")
    wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
    driver.get(server.base + "/reports")
    links = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, ".report-list a")]
    assert any(link.endswith("/reports/abc-xyz") for link in links) and any(link.endswith("/reports/debts") for link in links)
    shot(driver, "29-reports-index")
    driver.get(server.base + "/reports/abc-xyz")
    wait(driver).until(EC.presence_of_element_located((By.ID, "report-table")))
    assert driver.find_element(By.TAG_NAME, "h1").text == "ABC/XYZ-анализ клиентов"
    assert driver.find_elements(By.ID, "csv"), "the director may export"
    shot(driver, "30-report-abc-xyz")
    driver.get(server.base + "/reports/debts")
    wait(driver).until(EC.presence_of_element_located((By.ID, "report-table")))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Дебиторская задолженность"
    shot(driver, "31-report-debts")
    driver.get(server.base + "/reports/bcg")
    wait(driver).until(EC.presence_of_element_located((By.ID, "report-table")))
    shot(driver, "32-report-bcg")
    assert csp_violations(driver) == []


def test_make_a_document_and_send_it_by_letter_from_the_deal_page(server, browsers):
    me = server.me("manager.msk")["id"]
    deals = server.api("manager.msk", "GET", f"/api/v1/deals?pipeline_id=1&responsible_id={me}&limit=50")[1]["items"]
    deal = next(d for d in deals if d.get("client_id"))
    client = deal["client_id"]
    address = "zakupki-" + uuid.uuid4().hex[:6] + "@example.test"
    server.api("manager.msk", "POST", "/api/v1/contacts", {"client_id": client, "name": "Отдел закупок", "emails": [address]})
    driver = browsers()
    sign_in(driver, server, "manager.msk")
    wait(driver).until(EC.presence_of_element_located((By.ID, "board")))
    driver.get(server.base + f"/deals/{deal['id']}")
    # One click opens the form, one makes the document from the first template.
    driver.find_element(By.ID, "make-document-button").click()
    wait(driver).until(EC.element_to_be_clickable((By.ID, "document-make"))).click()
    wait(driver, 90).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#deal-documents li.document")))
    documents = server.api("manager.msk", "GET", f"/api/v1/documents?deal_id={deal['id']}")[1]["items"]
    assert documents, "the document was made"
    # Then a letter to the new contact only, with the document attached.
    driver.find_element(By.ID, "write-letter-button").click()
    for box in driver.find_elements(By.CSS_SELECTOR, "#letter-form input[name=contact_ids]"):
        if (address in box.find_element(By.XPATH, "..").text) != box.is_selected():
            box.click()
    subject = "Коммерческое предложение " + uuid.uuid4().hex[:6]
    driver.find_element(By.ID, "letter-subject").send_keys(subject)
    driver.find_element(By.ID, "letter-body").send_keys("Добрый день!\nВо вложении — документ по сделке.")
    driver.find_element(By.CSS_SELECTOR, "#letter-form input[name=document_ids]").click()
    driver.find_element(By.ID, "letter-send").click()
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "deal-letters"), subject))
    # Delivered to the SMTP server: the Russian subject decoded, one recipient, the PDF attached.
    deadline = time.time() + 60
    while time.time() < deadline and not any(l["subject"] == subject for l in server.letters()):
        time.sleep(0.5)
    letter = next(l for l in server.letters() if l["subject"] == subject)
    assert letter["rcpt_tos"] == [address], letter
    assert any(a["filename"].endswith(".pdf") for a in letter["attachments"]), letter
    driver.refresh()
    wait(driver).until(EC.text_to_be_present_in_element((By.ID, "deal-letters"), "отправлено"))
    shot(driver, "20-deal-document-and-letter")
