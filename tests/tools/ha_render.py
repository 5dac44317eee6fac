#!/usr/bin/python3
"""Renders Home Assistant MQTT templates as Home Assistant does, for the integration tests.

Home Assistant renders an MQTT entity's templates with Jinja2 in a sandboxed environment, with
the received payload as `value` and, when it parses as JSON, as `value_json`
(homeassistant/components/mqtt/models.py MqttValueTemplate, helpers/template.py): the filters
and tests used here are Jinja2's own plus Home Assistant's to_json / from_json, and now().
A template that fails to render leaves the state as it was (Home Assistant logs the error):
the result says so.

stdin: a JSON list of {"template": str, "value": str} or {"template": str, "variables": {...}}
stdout: a JSON list of {"result": str} or {"error": str}, one per input.
"""
import datetime
import json
import sys

from jinja2.sandbox import ImmutableSandboxedEnvironment


def make_env():
    env = ImmutableSandboxedEnvironment()
    env.filters["to_json"] = lambda value: json.dumps(value)
    env.filters["from_json"] = json.loads
    env.globals["now"] = lambda: datetime.datetime.now(datetime.timezone.utc)
    return env


def render(env, item):
    variables = dict(item.get("variables", {}))
    if "value" in item:
        variables["value"] = item["value"]
        try:
            variables["value_json"] = json.loads(item["value"])
        except ValueError:
            pass
    try:
        return {"result": env.from_string(item["template"]).render(**variables).strip()}
    except Exception as error:  # noqa: BLE001 - any failure is what the test must see
        return {"error": "%s: %s" % (type(error).__name__, error)}


def main():
    env = make_env()
    items = json.load(sys.stdin)
    json.dump([render(env, item) for item in items], sys.stdout)


if __name__ == "__main__":
    main()
