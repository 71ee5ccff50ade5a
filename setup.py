# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Install milo_robot as an ament_python package (colcon) or in editable mode (pip)."""

from glob import glob

from setuptools import find_packages, setup

package_name = 'milo_robot'

# One console script per node (the name `ros2 run` and the launch file use), plus the `milo` CLI.
NODE_EXECUTABLES = ['microphone_node', 'audio_monitor_node', 'vad_node', 'asr_node',
                    'tts_node', 'brain_node', 'body_node',
                    'dialogue_node', 'camera_node', 'group_node', 'web_node']

setup(
    name=package_name,
    version='0.1.0',
    packages=find_packages(exclude=['test']),
    # The app's pages, scripts, styles and strings, the notes pack's templates, the learned ranker's weights.
    package_data={package_name: ['app/templates/*.html', 'app/static/*', 'app/locales/*.json',
                                 'lectures/templates/*', 'thinking/ranker_weights.json']},
    data_files=[
        ('share/ament_index/resource_index/packages', ['resource/' + package_name]),
        ('share/' + package_name, ['package.xml']),
        ('share/' + package_name + '/launch', glob('launch/*.launch.py')),
        ('share/' + package_name + '/config', glob('config/*.yaml') + glob('config/*.xml')),
        ('share/' + package_name + '/models', ['models/README.md']),
        ('share/' + package_name + '/data/demo', glob('data/demo/*')),
        ('share/' + package_name + '/data/notes', glob('data/notes/*')),
    ],
    # ROS 2 and the system libraries come from apt on the robot and from requirements/*.txt on a
    # pip-only machine, so they are not pip requirements of the package itself.
    install_requires=['setuptools'],
    extras_require={'test': ['pytest', 'pytest-timeout']},
    zip_safe=True,
    maintainer='The Milo robot authors',
    maintainer_email='milo-robot@example.org',
    description='Milo, an offline AI student robot for engineering lectures.',
    license='Apache-2.0',
    entry_points={
        'console_scripts': [
            f'{exe} = {package_name}.nodes.{exe}:main' for exe in NODE_EXECUTABLES
        ] + ['milo = milo_robot.cli.main:main'],
    },
)
