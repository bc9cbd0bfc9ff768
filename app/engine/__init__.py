"""SpiffWorkflow, wrapped: specs parsed and checked once per version, cases run under the app
clock in a restricted script environment, and the rows the product queries derived from the
workflow after every step."""
