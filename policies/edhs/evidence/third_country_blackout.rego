# METADATA
# title: No ad of a third-country sponsor ran in a pre-election blackout
# description: |
#   Tests the blackout claim against the ad repository: an ad whose sponsor is
#   established outside the Union and that was shown in the months before one of the
#   declared elections (the stricter of the standard's months and the declared months)
#   contradicts the blackout.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2024/900/oj
#     description: TTPA Art 5(2)
# custom:
#   evidence_for: ADS-05
#   claim: political_ads.third_country_sponsor_blackout_months
#   violation: of sponsors established outside the EU were shown in the {blackout_months} months before a declared election
package edhs.evidence.third_country_blackout

import rego.v1

# The Union's member states (ISO 3166-1 alpha-2; Greece as GR); fixed by the treaties,
# so not a parameter.
member_states := {
	"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
	"IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
}

default declared_months := 0

declared_months := months if {
	months := input.declaration.political_ads.third_country_sponsor_blackout_months
	is_number(months)
}

blackout_months := max({data.edhs.params.third_country_blackout_months, declared_months})

# The declared election days, sorted, and the first day of each one's blackout.
election_days := sort({election.date | some election in input.declaration.metadata.elections})

first_day(day) := time.format([
	time.add_date(time.parse_ns("2006-01-02", day), 0, 0 - blackout_months, 0),
	"UTC", "2006-01-02",
])

# Overlapping blackouts are merged into one [first day, last election day] window, so
# the compiled SQL tests each ad against as few windows as there are separate periods.
# Indexes of the election days whose blackout begins a new period.
period_starts contains 0 if count(election_days) > 0

period_starts contains i if {
	some i
	election_days[i]
	i > 0
	first_day(election_days[i]) > election_days[i - 1]
}

blackouts contains [first_day(election_days[i]), election_days[last]] if {
	some i in period_starts
	last := max({k |
		election_days[k]
		k >= i
		not period_starts_between(i, k)
	})
}

period_starts_between(i, k) if {
	some m in period_starts
	m > i
	m <= k
}

violation if {
	input.ads.sponsor_country != null
	not input.ads.sponsor_country in member_states
	input.ads.first_shown != null
	input.ads.last_shown != null
	some [first, election_day] in blackouts
	input.ads.last_shown >= first
	input.ads.first_shown <= election_day
}
