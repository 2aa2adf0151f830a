/**
 * The dashboard's view model: immutable records serialised to JSON for the page. Every number
 * carries its unit in its name; tokens travel as decimal strings (JavaScript numbers cannot hold a
 * 64-bit token) together with their position on the ring as a fraction 0..1.
 */
package ringdb.dashboard.model;
