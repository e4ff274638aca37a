"""Human tasks resource."""
