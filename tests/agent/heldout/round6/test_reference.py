"""Round six's prompts are fair: each is solvable on its page, and its checker can fail.

The tests are :func:`..fairness.fairness_tests` over this round's prompts.
"""

from __future__ import annotations

from ..fairness import fairness_tests
from .cases import PROMPTS

(
    test_the_round_is_large_and_varied,
    test_the_reference_solves_the_prompt,
    test_a_refusal_asks_for_what_the_page_lacks,
) = fairness_tests(PROMPTS)
