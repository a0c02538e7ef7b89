# METADATA
# title: No political targeting of people below voting age
# description: |
#   Political-ad targeting excludes anyone known with reasonable certainty to be younger
#   than the voting age minus one year, and no political ad is targeted on the profiling
#   of minors. As one platform-wide minimum must satisfy every covered election, the
#   highest voting age among them counts.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj#art_18
#     description: TTPA Art 18(2)
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_28
#     description: DSA Art 28(2)
# custom:
#   id: TGT-02
#   severity: critical
#   aceeeo: [R3]
#   rationale: |
#     Children cannot vote and are easily influenced; EU law bars targeting political ads
#     at anyone more than a year below voting age and ads based on profiling minors.
#   applies_when: Platforms that accept political ads.
#   remediation: Raise the minimum targetable age to one year below the highest voting age, and exclude minors from profiling-based political ads.
#   basis: law
#   references:
#   - cites: TTPA Art 18(2)
#     state: unconfirmed
#     note: 'the paragraph is not confirmed: Art 18 was not read verbatim; secondary source:
#       "targeting is prohibited where the controller knows with reasonable certainty the person
#       is at least one year under voting age" (https://www.auditsocials.com/blog/eu-political-advertising-regulation-ttpa-2026-transparency-targeting-consent-platform-exit)'
#   - cites: DSA Art 28(2)
#     state: confirmed
#     words: '"aware with reasonable certainty that the recipient of the service is a minor"
#       → no profiling-based ads'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.tgt.minors_not_targeted

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.sells_political_ads

age_field := ["political_ads", "targeting", "minimum_target_age"]

minors_field := ["political_ads", "targeting", "minors_excluded"]

# The voting ages the elections in force state.
stated_voting_ages := lib.voting_ages

elections_state_voting_age if count(stated_voting_ages) > 0

# The strictest covered jurisdiction sets the platform-wide limit; the standard's
# default applies when no election states a voting age.
# Not max(): the embedded engine orders numbers in max, min and sort as text (max of 100
# and 18 is 18 there); the comparison operators order them as numbers on both engines.
voting_age := age if {
	some age in stated_voting_ages
	every other in stated_voting_ages {
		other <= age
	}
}

voting_age := data.edhs.params.default_voting_age if not elections_state_voting_age

# Where the voting age comes from, for the message.
voting_age_origin := concat("", ["the highest voting age of ", lib.elections_source]) if elections_state_voting_age

voting_age_origin := concat("", ["the default voting age (", lib.elections_source, " state none)"]) if not elections_state_voting_age

# The youngest age political ads may target: one year below the voting age.
min_target_age := voting_age - 1

targets_no_one_too_young if {
	age := input.political_ads.targeting.minimum_target_age
	is_number(age)
	age >= min_target_age
}

minors_excluded if input.political_ads.targeting.minors_excluded == true

deny contains lib.finding(age_field, msg) if {
	applicable
	not targets_no_one_too_young
	msg := lib.message(
		"political_ads.targeting.minimum_target_age is {declared}; the standard requires at least {limit}, one year below {origin} ({voting_age})",
		{
			"declared": lib.declared(age_field),
			"limit": min_target_age,
			"origin": voting_age_origin,
			"voting_age": voting_age,
		},
	)
}

deny contains lib.finding(minors_field, msg) if {
	applicable
	not minors_excluded
	msg := lib.message(
		"political_ads.targeting.minors_excluded is {declared}; the standard requires that no political ad is targeted on the profiling of minors",
		{"declared": lib.declared(minors_field)},
	)
}
