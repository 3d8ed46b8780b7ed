"""The task suite as data: ``tasks/*.yaml`` validated, rendered into ``TaskItem`` records.

    from benchmark.tasks import load_suite, load_task, get_item, parse_answer
    for item in load_suite("smoke"):
        item.prompt, item.generation, item.scorers
"""

from benchmark.tasks.loader import get_item, load_all_tasks, load_task, load_task_file, make_item, task_files
from benchmark.tasks.parse import parse_answer, parse_ideas, parse_words
from benchmark.tasks.published_rat import load_published_rat, rat_baseline
from benchmark.tasks.render import with_article
from benchmark.tasks.schema import ANSWER_FORMATS, FAMILIES, KNOWN_SCORERS, MEDIA_ANSWER_FORMATS
from benchmark.tasks.suites import Suite, get_suite, load_suite, load_suites, suite_names, token_budget
from benchmark.tasks.task import Task, TaskItem

__all__ = [
    "ANSWER_FORMATS", "FAMILIES", "KNOWN_SCORERS", "MEDIA_ANSWER_FORMATS", "Suite", "Task", "TaskItem", "get_item", "get_suite",
    "load_all_tasks", "load_published_rat", "load_suite", "load_suites", "load_task", "load_task_file",
    "make_item", "parse_answer", "parse_ideas", "parse_words", "rat_baseline", "suite_names", "task_files",
    "token_budget", "with_article",
]
