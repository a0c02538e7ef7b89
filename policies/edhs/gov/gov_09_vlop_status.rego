# METADATA
# title: The very-large-platform status agrees with the declared number of users
# description: |
#   A platform that states it is not a very large online platform also states its average
#   monthly active recipients in the EU, and that number is below the threshold from which
#   the DSA counts a platform as very large (45 million by default). When the EMB's profile
#   lists the services the Commission designated, a listed platform does not state it is
#   not very large.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_33
#     description: DSA Art 33(1)
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj#art_33
#     description: DSA Art 33(4)
# custom:
#   id: GOV-09
#   severity: high
#   aceeeo: [R3]
#   rationale: |
#     Several controls apply only to very large platforms. A platform that could write
#     "not a VLOP" without showing its number of users would skip all of them at no cost;
#     the number it must publish under DSA Art 24(2) lets the EMB test the claim.
#   applies_when: Always.
#   remediation: State is_vlop true, or state the published number of monthly active recipients in the EU, below the threshold; a designated service states is_vlop true.
#   basis: law+threshold
#   basis_note: DSA Art 33(1) sets the 45 million threshold and Art 33(4) has the Commission
#     designate the platforms above it; that a platform which states it is not very large
#     must state its number of users is the standard's, so that an unbacked claim does not
#     exempt it. The threshold is a parameter, as Art 33(2) lets the Commission adjust it.
#     The number is the platform's own; a designation under Art 33(4) is not, and the
#     services an EMB's profile lists as designated count as very large whatever the
#     declaration states.
#   references:
#   - cites: DSA Art 33(1)
#     state: confirmed
#     words: '"online platforms … which have a number of average monthly active recipients of
#       the service in the Union equal to or higher than 45 million, and which are designated
#       as very large online platforms … pursuant to paragraph 4"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
#   - cites: DSA Art 33(4)
#     state: confirmed
#     words: '"The Commission shall … adopt a decision designating as a very large online
#       platform … the online platform … which has a number of average monthly active
#       recipients of the service equal to or higher than the number referred to in paragraph
#       1"'
#     read_in: the Official Journal text (copy in github.com/kasnder/eur-lex-visualiser, commit
#       0fc8465)
package edhs.gov.vlop_status

import data.edhs.lib
import rego.v1

default applicable := true

threshold := data.edhs.params.vlop_threshold_recipients

status_field := ["platform", "is_vlop"]

users_field := ["platform", "monthly_active_users_eu"]

name_field := ["platform", "name"]

claims_not_vlop if input.platform.is_vlop == false

# A count of people: a number, and not below zero.
states_users if {
	users := input.platform.monthly_active_users_eu
	is_number(users)
	users >= 0
}

deny contains lib.finding(status_field, msg) if {
	claims_not_vlop
	users := input.platform.monthly_active_users_eu
	is_number(users)
	users >= threshold
	msg := lib.limit_message(
		"vlop_threshold_recipients",
		"platform.is_vlop is false, but platform.monthly_active_users_eu is {declared}; the standard counts a platform with {limit} or more monthly active recipients in the EU as very large",
		{"declared": users, "limit": threshold},
	)
}

deny contains lib.finding(status_field, msg) if {
	claims_not_vlop
	some service in lib.designations
	msg := lib.message(
		"platform.is_vlop is false, but {authority} lists {name} among the services the Commission designated as very large ({source})",
		{"authority": lib.authority, "name": service.name, "source": object.get(service, "source", "no source stated")},
	)
}

deny contains lib.finding(name_field, msg) if {
	claims_not_vlop
	lib.unnamed_before_the_list
	msg := lib.message(
		"platform.name is {declared}; {authority} lists the services the Commission designated as very large, and a platform that states it is not one must name itself to be checked against them",
		{"declared": lib.declared(name_field), "authority": lib.authority},
	)
}

deny contains lib.finding(status_field, msg) if {
	claims_not_vlop
	not states_users
	msg := lib.limit_message(
		"vlop_threshold_recipients",
		"platform.is_vlop is false, but platform.monthly_active_users_eu is {declared}; the standard requires a number below {limit} to show the platform is not very large",
		{"declared": lib.declared(users_field), "limit": threshold},
	)
}
