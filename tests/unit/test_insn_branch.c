/* Placeholder: filled in with the tests of its group. */
#include "check.h"
#include "interp_harness.h"

int main(void)
{
    return check_summary("insn_branch");
}
