"""Role × URL rows of the national analysis page: the nation's users only (the national
administrator; the Front's Central Committee, not a user of the matrix, reads it too:
tests/test_national_analysis.py); everyone else 404, signed out the sign-in page."""
from tests.test_role_url_matrix import ADMIN, Case, codes

CASES = {
    "analysis:national": [Case("GET", expect=codes(404, **{ADMIN: 200}))],
}
