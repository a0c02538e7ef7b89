# METADATA
# scope: subpackages
# title: Access and transparency for EMBs and researchers
# description: |
#   What the platform opens to election management bodies, researchers and the public:
#   data access, transparency reports, notice and action, and a named contact for EMBs.
# custom:
#   family: ACC
package edhs.acc
