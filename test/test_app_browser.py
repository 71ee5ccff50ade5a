# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The app as people use it, in headless Chromium: a student, a teacher, and the club on a real robot.

The student and the teacher use `milo app` over a record (text questions answered by the `tiny`
model); the club drives the web node of the graph, with the body node on the real firmware in the
simulator. Screenshots go to build/app/.
"""

import os
import shutil
import time

import httpx2 as httpx
import pytest
from app_fixture import School, free_port, wait_for_http
from harness import wait_until
from std_msgs.msg import Bool

from milo_robot.body.simulator import SimulatedBody
from milo_robot.interfaces.payloads import QuestionEntry
from milo_robot.interfaces.topics import CAMERA_ENABLE
from milo_robot.record.lecture_record import LectureRecord

webdriver = pytest.importorskip('selenium.webdriver')
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHOTS = os.path.join(ROOT, 'build', 'app')
CHROMIUM, DRIVER = shutil.which('chromium'), shutil.which('chromedriver')
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER),
                                reason='needs Debian chromium and chromium-driver (make setup installs them)')


@pytest.fixture(scope='module')
def browser(tmp_path_factory):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ('--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                 '--disable-background-networking', '--disable-component-update', '--disable-sync',
                 '--no-first-run', '--window-size=412,915', '--lang=en-GB',
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)  # no driver download
    driver.implicitly_wait(0)
    os.makedirs(SHOTS, exist_ok=True)
    yield driver
    driver.quit()


def shot(driver, name: str) -> None:
    driver.save_screenshot(os.path.join(SHOTS, f'{name}.png'))


def find(driver, css: str, timeout: float = 30.0):
    return wait_until(lambda: (driver.find_elements(By.CSS_SELECTOR, css) or [None])[0], css, timeout)


def wait_text(driver, css: str, text: str, timeout: float = 30.0) -> None:
    """Wait for `css` to show `text`, across the page load a click has started.

    Right after a click the old page may still be there, and its elements go stale under the reader.
    """
    def shows():
        try:
            return any(text in element.text for element in driver.find_elements(By.CSS_SELECTOR, css))
        except StaleElementReferenceException:
            return False
    wait_until(shows, f"'{text}' in {css}", timeout)


def log_in(driver, base: str, token: str, start: str = '/') -> None:
    driver.delete_all_cookies()
    driver.get(base + start)
    wait_until(lambda: '/login' in driver.current_url, 'the login page')
    find(driver, '#token').send_keys(token)
    driver.find_element(By.ID, 'login').click()
    wait_until(lambda: '/login' not in driver.current_url, 'leaving the login page')


def created_token(processes, db, role: str) -> str:
    """Create a token with the command line, as a teacher would; it is the output's last line."""
    make = processes.milo('app', 'token', 'create', '--role', role, '--name', f'the {role}', '--database', db)
    assert make.wait() == 0, make.output
    return make.output.strip().splitlines()[-1]


def fits_the_screen(driver) -> bool:
    return driver.execute_script('return document.documentElement.scrollWidth <= window.innerWidth + 1')


def test_student_and_teacher_in_milo_app(browser, processes, tmp_path):
    school = School(tmp_path)
    student, teacher = (created_token(processes, str(school.db), role) for role in ('student', 'teacher'))
    port = free_port()
    server = processes.milo('app', '--database', str(school.db), '--notes', str(school.notes),
                            '--port', str(port), '--profile', 'tiny')
    base = f'http://127.0.0.1:{port}'
    wait_for_http(base + '/login', process=server)

    # A student browses to a lecture, searches its transcript and follows a key point's time.
    log_in(browser, base, student)
    assert browser.current_url.endswith('/courses')
    shot(browser, 'student-courses')
    browser.find_element(By.LINK_TEXT, 'Electronics').click()
    browser.find_element(By.LINK_TEXT, "Ohm's law and series resistors").click()
    find(browser, '#transcript-search').send_keys('capacitor')
    visible = [li for li in browser.find_elements(By.CSS_SELECTOR, '.transcript li') if li.is_displayed()]
    assert [li.get_attribute('id') for li in visible] == ['t-200']
    assert fits_the_screen(browser), 'the lecture page reads on a phone'
    shot(browser, 'student-lecture')
    browser.find_element(By.CSS_SELECTOR, '#summary a.time[href="#t-80"]').click()
    assert browser.current_url.endswith('#t-80')

    # Revise: the answer key is the teacher's sentence, linked to its time.
    browser.find_element(By.LINK_TEXT, 'Revise: quiz').click()
    first = find(browser, '.quiz details')
    first.find_element(By.TAG_NAME, 'summary').click()
    assert 'The teacher said' in first.text and first.find_element(By.TAG_NAME, 'a').get_attribute('href')
    shot(browser, 'student-quiz')

    # Ask Milo: the answer streams in, then its sources.
    browser.get(base + '/ask?course=Electronics')
    find(browser, '#question').send_keys('What is the unit of resistance?')
    browser.find_element(By.ID, 'ask').click()
    find(browser, '#answer-text .sentence', 120)
    wait_until(lambda: browser.find_element(By.ID, 'answer').get_attribute('data-done') == 'true',
               'the end of the answer', 120)
    assert browser.find_element(By.ID, 'answer-sources').text.startswith('Sources:')
    shot(browser, 'student-ask')

    # Not a teacher's page.
    browser.get(base + '/teacher/questions')
    assert 'Not for your role' in browser.find_element(By.TAG_NAME, 'h1').text

    # The teacher sees the question in the log, what students struggled with, and manages lectures.
    log_in(browser, base, teacher, f"/teacher/questions?lecture={school.ids['circuits']}")
    log = find(browser, '#question-log').text
    assert 'What is the unit of resistance?' in log and 'in the app' in log and 'declined' in log
    shot(browser, 'teacher-questions')
    browser.find_element(By.CSS_SELECTOR, '.langs a[hreflang=fr]').click()
    wait_text(browser, 'h1', 'Questions posées')
    shot(browser, 'teacher-questions-fr')
    browser.find_element(By.LINK_TEXT, 'Difficultés').click()
    wait_text(browser, 'main', 'Déclinées')
    browser.find_element(By.CSS_SELECTOR, '.langs a[hreflang=en]').click()
    find(browser, 'html[lang=en]')
    shot(browser, 'teacher-struggles')

    # The teacher exports the lecture for the school's platform: the Export control's download.
    browser.get(base + f"/lectures/{school.ids['circuits']}")
    Select(find(browser, '#export-format')).select_by_value('ical')
    calendar = browser.execute_async_script(
        'const done = arguments[arguments.length - 1]; const form = document.querySelector("#export form");'
        'fetch(form.action + "?" + new URLSearchParams(new FormData(form))).then(r => r.text()).then(done);')
    assert calendar.startswith('BEGIN:VCALENDAR') and 'SUMMARY:Homework due · Electronics' in calendar
    shot(browser, 'teacher-lecture-export')
    browser.get(base + '/teacher/lectures')
    find(browser, '#start-course').send_keys('Physics')
    browser.find_element(By.ID, 'start-title').send_keys('Optics')
    browser.find_element(By.ID, 'start-lecture').click()
    wait_text(browser, '#current-lecture', 'Optics')
    shot(browser, 'teacher-lectures')

    # A question asked while no lecture was open: the teacher finds it, and erases it.
    with LectureRecord(school.db) as record:
        record.log_question(QuestionEntry('voice-loose', None, time.time(), 'Milo, where is room B12?',
                                          'Where is room B12?', 'en', 'qa', 'declined'))
    browser.get(base + '/teacher/questions')
    Select(find(browser, '#lecture')).select_by_value('none')
    browser.find_element(By.CSS_SELECTOR, 'form[action="/teacher/questions"] button').click()
    wait_text(browser, '#question-log', 'Milo, where is room B12?')
    shot(browser, 'teacher-questions-outside')
    browser.find_element(By.ID, 'confirm-outside').click()
    browser.find_element(By.ID, 'forget-outside').click()
    wait_text(browser, '.done', 'were erased')
    assert 'room B12' not in browser.find_element(By.TAG_NAME, 'main').text


def test_club_emergency_stop_on_the_robot(browser, processes, probe, tmp_path):
    school = School(tmp_path)
    link = str(tmp_path / 'milo-body')
    sim = SimulatedBody(link=link)
    try:
        processes.node('body_node', port=link, teleop_timeout_s=2.0, retry_s=0.2,
                       latch_file=str(tmp_path / 'estop.latch'))
        port = free_port()
        web = processes.node('web_node', port=port, database=str(school.db), notes_dir=str(school.notes))
        base = f'http://127.0.0.1:{port}'
        wait_for_http(base + '/login', process=web)

        log_in(browser, base, school.tokens['club'])
        assert browser.current_url.endswith('/club')
        estop = find(browser, '#state-estop')
        wait_until(lambda: estop.get_attribute('data-state') == 'released', 'the live e-stop state')
        wait_until(lambda: 'connected' in browser.find_element(By.CSS_SELECTOR, '[data-field=link]').text,
                   'the body link in the live state')
        assert sim.wait_for(lambda s: 'pan' in s.angles(), 10)

        # Dead-man head control: the head turns while the button is held and stops once let go.
        before = sim.angles()['pan']
        left = browser.find_element(By.CSS_SELECTOR, '.move.left')
        # In the middle of the screen: the emergency stop floats over the bottom of a phone's.
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", left)
        ActionChains(browser).click_and_hold(left).pause(1.2).perform()
        assert sim.wait_for(lambda s: s.angles()['pan'] > before + 5, 10), 'the head turns while held'
        ActionChains(browser).release(left).perform()
        time.sleep(0.6)  # the body holds the last rate for 0.3 s
        stopped = sim.angles()['pan']
        assert not sim.wait_for(lambda s: abs(s.angles()['pan'] - stopped) > 1.0, 1.0), 'still turning'
        shot(browser, 'club-robot')

        # The emergency stop, always on screen, latches, and the state shows it.
        button = browser.find_element(By.ID, 'estop')
        assert button.is_displayed()
        button.click()
        wait_until(lambda: estop.get_attribute('data-state') == 'LATCHED', 'the e-stop to show latched')
        assert sim.wait_for(lambda s: s.light == (255, 0, 0), 10)
        assert 'LATCHED' in estop.text
        shot(browser, 'club-estop')
        ActionChains(browser).click_and_hold(left).pause(1.0).release(left).perform()
        assert abs(sim.angles()['pan'] - stopped) <= 1.0, 'the latched stop ignores the head control'

        browser.find_element(By.ID, 'release').click()
        wait_until(lambda: estop.get_attribute('data-state') == 'released', 'the release')

        # The same through the API with a Bearer token; a student is refused.
        club = {'Authorization': f"Bearer {school.tokens['club']}"}
        happy = httpx.post(base + '/api/robot/expression', json={'name': 'happy'}, headers=club)
        assert happy.status_code == 200
        assert httpx.post(base + '/api/estop', headers=club).json()['note'] == 'EMERGENCY STOP sent'
        switch = probe.subscribe(Bool, CAMERA_ENABLE.name, CAMERA_ENABLE.qos.profile())
        wait_until(lambda: httpx.post(base + '/api/robot/camera', json={'on': False}, headers=club)
                   .status_code == 200 and switch.messages, 'the camera switch on /camera/enable')
        assert switch.messages[-1].data is False
        student = {'Authorization': f"Bearer {school.tokens['student']}"}
        assert httpx.post(base + '/api/estop', headers=student).status_code == 403
        assert httpx.get(base + '/api/robot', headers=student).status_code == 403
    finally:
        sim.stop()
