# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The lecture record: lectures, segments, the question log, summaries and app tokens, in SQLite.

`schema` lists the tables and the one writer of each; `store.RecordFile` opens the file and runs
its transactions; `lecture_record.LectureRecord` reads and writes the tables. Nodes do not share
the file as a hidden channel: what one node wants written travels on a topic to the table's writer
(see milo_robot.interfaces.topics: /record/roles, /record/questions, /lecture/command), and
readers learn of new segments from /asr/final.
"""
