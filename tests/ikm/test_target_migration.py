"""The IKM target moved from the dashboard app to ikm (ikm 0007, dashboard 0002): the saved row is kept."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ikm.models import IkmTarget

BEFORE = [("ikm", "0006_ready_photo_order"), ("dashboard", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_moving_the_target_model_keeps_the_row_diskominfo_saved():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("dashboard", "IkmTarget")
    old.objects.create(target=500, target_date=datetime.date(2030, 12, 31))

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    row = IkmTarget.objects.get()
    assert (row.target, row.target_date) == (500, datetime.date(2030, 12, 31))
    assert IkmTarget._meta.db_table == "ikm_ikmtarget"
