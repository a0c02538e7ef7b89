# METADATA
# title: A post-election review is published
# description: |
#   A very large platform commits to publish, within a few months after each covered
#   election, a review of how its election measures worked.
# related_resources:
#   - ref: https://digital-strategy.ec.europa.eu/en/library/guidelines-providers-vlops-and-vloses-mitigation-systemic-risks-electoral-processes
#     description: Commission Guidelines C/2024/3014 (post-election review)
# custom:
#   id: INT-06
#   severity: medium
#   aceeeo: [R6, R7]
#   rationale: |
#     A public review shows EMBs and voters what worked and what failed, and improves the
#     measures for the next election.
#   applies_when: Very large online platforms (DSA Art 33).
#   remediation: Commit to publish a post-election review within the deadline.
#   basis: standard
#   basis_note: The Commission's election guidelines (per summaries) mention post-election reviews;
#     publishing one within 6 months is the standard's.
#   references:
#   - cites: Commission Guidelines C/2024/3014 (post-election review)
#     state: unconfirmed
#     note: 'the number C/2024/3014 was not found in any source read and the guidelines were
#       not read (the Commission page says they were adopted on 26 April 2024); publication
#       and a deadline are not supported; a secondary source supports the substance: "assess
#       the effectiveness of the measures through post-election reviews" (https://www.ictbusiness.biz/business/ec-revealed-dsa-guidelines-for-election-online-risks)'
package edhs.int.post_election_review

import data.edhs.lib
import rego.v1

default applicable := false

applicable if lib.vlop

max_months := data.edhs.params.max_post_election_review_months

committed_field := ["integrity", "post_election_review", "committed"]

months_field := ["integrity", "post_election_review", "within_months"]

review_committed if input.integrity.post_election_review.committed == true

published_in_time if {
	months := input.integrity.post_election_review.within_months
	lib.non_negative_number(months)
	months <= max_months
}

deny contains lib.finding(committed_field, msg) if {
	applicable
	not review_committed
	msg := lib.message(
		"integrity.post_election_review.committed is {declared}; the standard requires a commitment to publish a review after each covered election",
		{"declared": lib.declared(committed_field)},
	)
}

deny contains lib.finding(months_field, msg) if {
	applicable
	not published_in_time
	msg := lib.limit_message("max_post_election_review_months", 
		"integrity.post_election_review.within_months is {declared}; the standard requires the review within {limit} months after the election",
		{"declared": lib.declared(months_field), "limit": max_months},
	)
}
