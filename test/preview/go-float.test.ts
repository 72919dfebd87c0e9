import { formatGoFloat } from '../../src/preview';

describe('formatGoFloat', () => {
  test.each([
    [3, '3'],
    [-0, '-0'],
    [0.25, '0.25'],
    [123456, '123456'],
    [1000000, '1e+06'],
    [1234567, '1.234567e+06'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1e21, '1e+21'],
    [2 ** 63, '9.223372036854776e+18'],
  ])('prints %p as Go prints a float64 with %%v', (value, text) => {
    // GIVEN a float64
    // WHEN it is printed
    // THEN the text is Go's (strconv 'g', shortest, exponent from 1e+06 and below 1e-04)
    expect(formatGoFloat(value)).toBe(text);
  });
});
