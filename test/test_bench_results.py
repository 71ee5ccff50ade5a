# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Recording benchmark results (the measuring itself is `make bench`, never a timed test)."""

import json
import subprocess
import sys

from milo_robot.bench.results import TABLE_END, TABLE_START, record, result, stamp


def test_result_summarises_with_median_or_percentile():
    r = result([5, 1, 3, 2, 4], 'ms', 'make bench', 'five runs')
    assert (r['value'], r['statistic'], r['runs'], r['min'], r['max']) == (3, 'median', 5, 1, 5)
    assert result(list(range(101)), 'ms', 'c', percentile=95)['value'] == 95


def test_record_merges_json_and_rewrites_only_the_table(tmp_path):
    (tmp_path / 'BENCHMARKS.md').write_text(f'# B\nintro\n{TABLE_START}\nold rows\n{TABLE_END}\nkeys\n')
    record(str(tmp_path), {'a_ms': result([1.0, 2.0, 3.0], 'ms', 'make bench')})
    record(str(tmp_path), {'b_mb': result([10.0], 'MB', 'make bench', 'note b')})
    stored = json.loads((tmp_path / 'bench' / 'results.json').read_text())
    assert set(stored) == {'a_ms', 'b_mb'}
    assert stored['a_ms']['value'] == 2.0 and 'cores' in stored['a_ms']['machine']
    text = (tmp_path / 'BENCHMARKS.md').read_text()
    assert text.startswith('# B\nintro\n') and text.endswith(f'{TABLE_END}\nkeys\n')
    assert 'old rows' not in text
    assert '| `a_ms` | 2 ms | median of 3 (1-3) | `make bench` |' in text
    assert '| `b_mb` | 10 MB |' in text and 'note b' in text


def test_results_are_stamped_with_the_code_measured_not_the_results_waiting(tmp_path):
    def git(*args):
        subprocess.run(['git', '-C', str(tmp_path), '-c', 'user.name=t', '-c', 'user.email=t@t', *args],
                       check=True, capture_output=True)
    git('init', '-q')
    (tmp_path / 'node.py').write_text('x = 1\n')
    (tmp_path / 'BENCHMARKS.md').write_text(f'{TABLE_START}\n{TABLE_END}\n')
    git('add', 'node.py', 'BENCHMARKS.md')
    git('commit', '-qm', 'code')
    measured = stamp(str(tmp_path))
    assert not measured['commit'].endswith('+')
    (tmp_path / 'node.py').write_text('x = 2\n')  # the code moves on while the bench runs
    git('commit', '-qam', 'more code')
    record(str(tmp_path), {'a_ms': result([1.0], 'ms', 'make bench')}, measured)
    git('add', 'bench/results.json', 'BENCHMARKS.md')
    git('commit', '-qm', 'results')
    (tmp_path / 'bench' / 'results.json').write_text('{}\n')  # results waiting: not a change
    assert not stamp(str(tmp_path))['commit'].endswith('+')
    (tmp_path / 'node.py').write_text('x = 3\n')
    assert stamp(str(tmp_path))['commit'].endswith('+')
    git('checkout', 'node.py', 'bench/results.json')
    record(str(tmp_path), {'b_ms': result([1.0], 'ms', 'make bench')})
    stored = json.loads((tmp_path / 'bench' / 'results.json').read_text())
    assert stored['a_ms']['commit'] == measured['commit'] != stored['b_ms']['commit']


def test_bench_lists_its_benchmarks():
    proc = subprocess.run([sys.executable, '-m', 'milo_robot.cli.main', 'bench', '--list'],
                          capture_output=True, text=True)
    assert proc.returncode == 0
    listed = [line.split()[0] for line in proc.stdout.splitlines()]
    from milo_robot.cli.bench import BENCHMARKS
    assert listed == [b.__name__ for b in BENCHMARKS] and len(set(listed)) == len(listed)
    # Each issue's keys have their benchmark: answers, summaries, memory, the app, the camera.
    assert {'qa_heldout', 'qa_heldout2', 'qa_heldout3', 'qa_dev', 'summaries', 'grouping', 'listening',
            'conversation', 'app_load', 'voice_under_app_load', 'face_detect'} <= set(listed)


def test_only_picks_the_benchmark_named_exactly_else_all_that_contain_the_text():
    from milo_robot.cli.bench import select

    assert [b.__name__ for b in select('qa_heldout')] == ['qa_heldout']
    assert [b.__name__ for b in select('qa_heldout2')] == ['qa_heldout2']
    assert [b.__name__ for b in select('qa_heldout3')] == ['qa_heldout3']
    assert [b.__name__ for b in select('qa_dev')] == ['qa_dev']
    assert {'qa_heldout', 'qa_heldout2', 'qa_heldout3', 'qa_quality'} <= \
        {b.__name__ for b in select('qa_')}
    assert {b.__name__ for b in select('thinking')} >= {'memory', 'qa_heldout2', 'qa_heldout3'}
    assert select('no such benchmark') == []
    # group.name picks one; a group's name and a dot pick the group (--against names them so).
    assert [b.__name__ for b in select('conversation.conversation')] == ['conversation']
    assert {'conversation', 'grouping', 'listening'} <= {b.__name__ for b in select('conversation.')}


def test_word_error_rate():
    from milo_robot.bench.wer import word_error_rate, word_errors

    assert word_error_rate('Ohm\'s law, again!', 'ohm s law again') == 0.0
    assert word_errors('the cat sat', 'the cat sat down') == (1, 3)  # an insertion
    assert word_errors('the cat sat', 'the sat') == (1, 3)  # a deletion
    assert word_error_rate('a b c d', 'a x c y') == 0.5  # two substitutions
    assert word_error_rate('', 'anything') == 1.0
    # Spared words: the word error if they were heard right (course_terms' ceiling).
    spared = frozenset({'farad'})
    assert word_errors('the unit is the farad', 'the unit is the ferret', spared) == (0, 5)
    assert word_errors('the unit is the farad', 'the unit is the ferret it', spared) == (1, 5)
    assert word_errors('the unit is the farad', 'a unit is', spared) == (2, 5)  # "the" twice


def test_french_words_are_compared_by_their_sound():
    from milo_robot.bench.wer import sound_errors_fr, unheard_fr

    said = 'Bonjour à tous, la tension vaut douze volts, et le courant vaut trois ampères.'
    # Spelled otherwise, said the same: a homophone, an elision, a word cut in two.
    assert sound_errors_fr(said, "Bonjour à tous. L'attention vaut douze volte. Et le courant "
                                 'vaut trois ans-père.') == (0, 14)
    assert sound_errors_fr(said, 'Bonjour à tous, la tension va douce volte, et le courant vaut '
                                 'trois ampères.') == (2, 14)  # vaut/va, douze/douce differ
    assert sound_errors_fr('le chat noir', 'le chat') == (1, 3)  # a word lost
    assert sound_errors_fr('le chat', 'le chat noir') == (1, 2)  # a word added
    assert sound_errors_fr('le chat noir', 'le chien noir') == (1, 3)  # only chat is wrong
    assert sound_errors_fr('le protocole té cé pé', 'le protocole s\'est payé') == (3, 5)
    assert unheard_fr(('douze volts', 'trois ampères'), said) == []
    assert unheard_fr(('douze volts', 'tension'), 'la tension vaut douce volte') == ['douze volts']
