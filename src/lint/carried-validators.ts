/**
 * The standalone schema validators (dist/schemas/, see compile-schemas.ts) when the code running carries
 * them: the bundle's entry (src/bundle-entry.ts) sets `load`, so that they come with the bundle's code cache
 * instead of being read and compiled apart. schemas.ts checks what it gets here as it checks dist/schemas/.
 */
export const carried: { load?: (name: string) => unknown } = {};
