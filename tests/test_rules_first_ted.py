"""RulesFirstTEDPolicy: the trained model picks the same action as with plain TED,
and TED is skipped exactly where a rule decides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
from rasa.core.policies.memoization import MemoizationPolicy
from rasa.core.policies.policy import Policy
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.policies.ted_policy import TEDPolicy
from rasa.core.training import load_data
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.graph_components.providers.rule_only_provider import RuleOnlyDataProvider
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

from policies.rules_first_ted import RULE_CONFIDENCE, RulesFirstTEDPolicy

ROOT = Path(__file__).resolve().parent.parent
STORIES = [ROOT / "data" / "stories", ROOT / "data" / "rules", ROOT / "tests" / "test_stories.yml"]


class TrainedPolicies:
    def __init__(self, model: Path, storage_path: Path) -> None:
        storage, metadata = LocalModelStorage.from_model_archive(storage_path, model)
        context = ExecutionContext(metadata.predict_schema, metadata.model_id)
        self.domain: Domain = metadata.domain
        nodes = {node.uses: node for node in metadata.predict_schema.nodes.values()}

        def load(node_class: type[GraphComponent], as_class: type[Policy] | None = None) -> Any:
            node = nodes[node_class]
            policy_class = as_class or node_class
            config = {**policy_class.get_default_config(), **node.config}
            return policy_class.load(config, storage, node.resource, context)

        self.rules: RulePolicy = load(RulePolicy)
        self.memoization: MemoizationPolicy = load(MemoizationPolicy)
        self.rules_first_ted: RulesFirstTEDPolicy = load(RulesFirstTEDPolicy)
        self.ted: TEDPolicy = load(RulesFirstTEDPolicy, as_class=TEDPolicy)
        self.rule_only_data = load(RuleOnlyDataProvider).provide()

    def chosen(self, tracker: DialogueStateTracker, ted: TEDPolicy) -> tuple[int, Any]:
        predictions = [
            policy.predict_action_probabilities(tracker, self.domain, self.rule_only_data)
            for policy in (self.rules, self.memoization, ted)
        ]
        best = DefaultPolicyPredictionEnsemble().combine_predictions(predictions, tracker, self.domain)
        return best.max_confidence_index, predictions[-1]


@pytest.fixture(scope="module")
def trained(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> TrainedPolicies:
    return TrainedPolicies(trained_model, tmp_path_factory.mktemp("model"))


def prediction_points(domain: Domain) -> list[DialogueStateTracker]:
    """Every point in the stories, rules and test stories where the bot picks an action."""
    points = []
    stories = [story for path in STORIES for story in load_data(str(path), domain, augmentation_factor=0)]
    for story in stories:
        events = list(story.events)
        for index, event in enumerate(events):
            if isinstance(event, ActionExecuted) and index > 0:
                points.append(DialogueStateTracker.from_events(story.sender_id, events[:index], domain.slots))
    return points


def test_same_action_as_plain_ted_and_ted_skipped_where_a_rule_decides(trained: TrainedPolicies) -> None:
    decided_by_rules = ted_ran = 0
    for tracker in prediction_points(trained.domain):
        chosen, skipped_or_ted = trained.chosen(tracker, trained.rules_first_ted)
        chosen_with_ted, ted = trained.chosen(tracker, trained.ted)
        assert chosen == chosen_with_ted
        rule = trained.rules.predict_action_probabilities(tracker, trained.domain, trained.rule_only_data)
        if rule.max_confidence >= RULE_CONFIDENCE:
            assert skipped_or_ted.max_confidence == 0.0
            decided_by_rules += 1
        else:
            assert skipped_or_ted.probabilities == ted.probabilities
            ted_ran += 1
    assert decided_by_rules > 100 and ted_ran > 0
