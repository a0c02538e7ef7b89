# METADATA
# title: No political ad reached fewer people than the minimum audience
# description: |
#   Tests the declared minimum audience against the ad repository: an ad whose recorded
#   reach is below the stricter of the standard's minimum and the platform's own declared
#   minimum shows that the minimum was not enforced.
# related_resources:
#   - ref: https://eur-lex.europa.eu/eli/reg/2022/2065/oj
#     description: DSA Art 39(2)(g) (total number of recipients reached)
# custom:
#   evidence_for: TGT-03
#   claim: political_ads.targeting.minimum_audience_size
#   violation: reached fewer than {min_reached} people
package edhs.evidence.minimum_audience

import rego.v1

# The platform is held to its own word when it promises more than the standard asks.
default declared_minimum := 0

declared_minimum := size if {
	size := input.declaration.political_ads.targeting.minimum_audience_size
	is_number(size)
}

min_reached := max({data.edhs.params.min_audience_size, declared_minimum})

violation if {
	input.ads.audience_reached != null
	input.ads.audience_reached < min_reached
}
