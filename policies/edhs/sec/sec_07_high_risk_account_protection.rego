# METADATA
# title: Accounts of candidates, officials and EMBs get extra protection
# description: |
#   For the election period the platform offers a protection programme (stronger login
#   checks, impersonation monitoring, priority support) open to candidates, election
#   officials and the accounts of election management bodies.
# related_resources:
#   - ref: https://digital-strategy.ec.europa.eu/en/library/guidelines-providers-vlops-and-vloses-mitigation-systemic-risks-electoral-processes
#     description: Commission Guidelines C/2024/3014 (protection of high-risk accounts)
# custom:
#   id: SEC-07
#   severity: high
#   aceeeo: [R1, R6]
#   rationale: |
#     A hijacked or impersonated candidate, official or EMB account can spread false
#     election information with borrowed authority.
#   applies_when: Always.
#   remediation: Open the protection programme to candidates, election officials and EMB accounts.
#   basis: standard
#   basis_note: No text read sets up a protection programme for high-risk accounts; the Commission's
#     election guidelines were not confirmed on this point.
#   references:
#   - cites: Commission Guidelines C/2024/3014 (protection of high-risk accounts)
#     state: unconfirmed
#     note: the number C/2024/3014 was not found in any source read and the guidelines were
#       not read (the Commission page says they were adopted on 26 April 2024); no source on
#       account protection was found
package edhs.sec.high_risk_account_protection

import data.edhs.lib
import rego.v1

default applicable := true

# The groups the catalogue names; journalists and others may be covered as well.
required_groups := {"candidates", "election_officials", "emb_accounts"}

offered_field := ["integrity", "high_risk_account_protection", "offered"]

covers_field := ["integrity", "high_risk_account_protection", "covers"]

missing_groups := lib.missing(required_groups, object.get(input, covers_field, []))

programme_offered if input.integrity.high_risk_account_protection.offered == true

covers_every_required_group if count(missing_groups) == 0

deny contains lib.finding(offered_field, msg) if {
	not programme_offered
	msg := lib.message(
		"integrity.high_risk_account_protection.offered is {declared}; the standard requires a protection programme for the election period",
		{"declared": lib.declared(offered_field)},
	)
}

deny contains lib.finding(covers_field, msg) if {
	not covers_every_required_group
	msg := lib.message(
		"integrity.high_risk_account_protection.covers is {declared}; the standard requires the programme to cover {required}; missing: {missing}",
		{"declared": lib.declared(covers_field), "required": required_groups, "missing": missing_groups},
	)
}
