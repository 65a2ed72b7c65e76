/**
 * The files the Airflow example writes into its ConfigMap of files, after the
 * official Helm chart's defaults (`chart/values.yaml` `config:`, `webserver.webserverConfig`,
 * `chart/files/statsd-mappings.yml`). Secrets stay out of them: the chart's rule,
 * "Do not set config containing secrets via plain text values", holds here too, and
 * the connection strings and keys come from Secrets as `AIRFLOW__<SECTION>__<KEY>` variables.
 */

/** airflow.cfg: the chart's `config:` section for the Celery executor with git-sync and StatsD. */
export const AIRFLOW_CFG = `[core]
dags_folder = /opt/airflow/dags/repo/dags
load_examples = False
executor = CeleryExecutor
colored_console_log = False

[logging]
base_log_folder = /opt/airflow/logs
remote_logging = False
colored_console_log = False

[metrics]
statsd_on = True
statsd_host = airflow-statsd
statsd_port = 9125
statsd_prefix = airflow

[webserver]
enable_proxy_fix = True
rbac = True

[celery]
worker_concurrency = 16

[scheduler]
standalone_dag_processor = False

[triggerer]
default_capacity = 1000
`;

/** webserver_config.py: Airflow's default one (`airflow/config_templates/default_webserver_config.py`): database authentication. */
export const WEBSERVER_CONFIG = `from airflow import configuration as conf
from flask_appbuilder.security.manager import AUTH_DB

# The SQLAlchemy connection string.
SQLALCHEMY_DATABASE_URI = conf.get("database", "SQL_ALCHEMY_CONN")

# Flask-WTF flag for CSRF
WTF_CSRF_ENABLED = True

AUTH_TYPE = AUTH_DB
`;

/** The StatsD exporter's mappings: the chart's default mappings. */
export const STATSD_MAPPINGS = `mappings:
  - match: airflow.dagrun.dependency-check.*.*
    name: "airflow_dagrun_dependency_check"
    labels:
      dag_id: "$1"
  - match: airflow.operator_successes_(.*)
    match_type: regex
    name: "airflow_operator_successes"
    labels:
      operator: "$1"
  - match: airflow.operator_failures_(.*)
    match_type: regex
    name: "airflow_operator_failures"
    labels:
      operator: "$1"
  - match: airflow.scheduler_heartbeat
    match_type: regex
    name: "airflow_scheduler_heartbeat"
    labels:
      type: counter
  - match: airflow.dag.*.*.duration
    name: "airflow_task_duration"
    labels:
      dag_id: "$1"
      task_id: "$2"
  - match: airflow.dagrun.duration.success.*
    name: "airflow_dagrun_duration"
    labels:
      dag_id: "$1"
  - match: airflow.dagrun.duration.failed.*
    name: "airflow_dagrun_failed"
    labels:
      dag_id: "$1"
  - match: airflow.dagrun.schedule_delay.*
    name: "airflow_dagrun_schedule_delay"
    labels:
      dag_id: "$1"
  - match: airflow.dag_processing.last_runtime.*
    name: "airflow_dag_processing_last_runtime"
    labels:
      dag_file: "$1"
  - match: airflow.dag_processing.last_run.seconds_ago.*
    name: "airflow_dag_processing_last_run_seconds_ago"
    labels:
      dag_file: "$1"
  - match: airflow.pool.open_slots.*
    name: "airflow_pool_open_slots"
    labels:
      pool: "$1"
  - match: airflow.pool.used_slots.*
    name: "airflow_pool_used_slots"
    labels:
      pool: "$1"
  - match: airflow.pool.starving_tasks.*
    name: "airflow_pool_starving_tasks"
    labels:
      pool: "$1"
  - match: airflow.executor.open_slots.*
    name: "airflow_executor_open_slots"
    labels:
      executor: "$1"
  - match: airflow.executor.queued_tasks.*
    name: "airflow_executor_queued_tasks"
    labels:
      executor: "$1"
  - match: airflow.executor.running_tasks.*
    name: "airflow_executor_running_tasks"
    labels:
      executor: "$1"
`;
