import { GoFloat } from '../../src/preview/go-float';
import { GoInt64 } from '../../src/preview/template-values';
import { call, failure, render } from './sprig-support';

// Each expected value is what Argo CD v3.5 (Go text/template + Sprig v3.3) renders; the cases
// come from Sprig's math documentation unless stated otherwise.

const f = (x: number) => new GoFloat(x);

describe('Sprig integer math', () => {
  test('add, add1, sub, mul, div, mod, max, min return int64', () => {
    // GIVEN integer arguments
    // WHEN they are computed
    // THEN the results are Go's int64 arithmetic (division truncates toward zero)
    expect(render('{{ add 1 2 3 }} {{ add1 41 }} {{ sub 10 4 }} {{ mul 2 3 4 }}')).toBe('6 42 6 24');
    expect(render('{{ div 7 2 }} {{ div -7 2 }} {{ mod 7 3 }} {{ mod -7 3 }}')).toBe('3 -3 1 -1');
    expect(render('{{ max 1 5 3 }} {{ biggest 1 5 3 }} {{ min 4 2 8 }} {{ add 1 2 | typeOf }}')).toBe('5 5 2 int64');
  });

  test('add converts floats with cast.ToInt64, so add 1.5 2 is 3', () => {
    // GIVEN floats, as generator files and float literals give them
    // WHEN they are added
    // THEN each is truncated to an integer first, as spf13/cast does
    expect(call('add', f(1.5), 2)).toEqual(new GoInt64(3));
    expect(render('{{ add .replicas 2 }}', { replicas: f(1.5) })).toBe('3');
    expect(render('{{ add .a .b }}', { a: f(2.9), b: f(-1.9) })).toBe('1');
    // AND strings are parsed (with base prefixes) and bad ones count as 0
    expect(render('{{ add "0x10" "7" "x" }}')).toBe('23');
  });

  test('fails as Go does on division by zero', () => {
    // GIVEN a division by zero
    const e = failure('{{ div 1 0 }}');
    // THEN Go's runtime error is reported
    expect(e.code).toBe('CG704');
    expect(e.message).toContain('error calling div: runtime error: integer divide by zero');
  });

  test('fails rather than wrap around past the integers the preview computes exactly', () => {
    // GIVEN a product beyond 2^53
    const e = failure('{{ mul 4294967296 4294967296 }}');
    // THEN CG701 says so
    expect(e.code).toBe('CG701');
  });
});

describe('Sprig float math', () => {
  test('addf, add1f, subf, mulf and divf compute in decimal as shopspring/decimal does', () => {
    // GIVEN Sprig's documented cases, and 0.1 + 0.2
    // WHEN they are computed
    // THEN the results are decimal, not binary floating point
    expect(call('addf', f(1.5), 2, 2)).toEqual(f(5.5));
    expect(call('add1f', f(1.5))).toEqual(f(2.5));
    expect(call('subf', f(7.5), 2, 3)).toEqual(f(2.5));
    expect(call('divf', 10, 2, 4)).toEqual(f(1.25));
    expect(call('mulf', f(1.5), 2, 2)).toEqual(f(6));
    expect(call('addf', f(0.1), f(0.2))).toEqual(f(0.3));
    expect(call('divf', 1, 3)).toEqual(f(0.3333333333333333));
    expect(render('{{ addf .a .b }}', { a: f(0.1), b: f(0.2) })).toBe('0.3');
  });

  test('maxf, minf, floor, ceil and round', () => {
    // GIVEN Sprig's documented cases
    // WHEN they are computed
    // THEN the results are float64, printed as Go prints them
    expect(call('maxf', 1, f(2.5), 3)).toEqual(f(3));
    expect(call('minf', f(1.5), 2, 3)).toEqual(f(1.5));
    expect(render('{{ floor .x }} {{ ceil .y }} {{ round .z 3 }}', { x: f(123.9999), y: f(123.001), z: f(123.555555) })).toBe(
      '123 124 123.556',
    );
    expect(render('{{ floor "3.7" | typeOf }}')).toBe('float64');
  });
});

describe('Sprig integer sequences', () => {
  test('until, untilStep and seq', () => {
    // GIVEN Sprig's documented cases
    // WHEN they are rendered
    // THEN the sequences are Sprig's
    expect(render('{{ until 5 }} {{ until 5 | typeOf }} {{ untilStep 3 6 2 }} {{ until -3 }}')).toBe('[0 1 2 3 4] []int [3 5] [0 -1 -2]');
    expect(render('{{ seq 5 }}|{{ seq -3 }}|{{ seq 0 2 }}|{{ seq 2 -2 }}|{{ seq 0 2 10 }}|{{ seq 0 -2 -5 }}')).toBe(
      '1 2 3 4 5|1 0 -1 -2 -3|0 1 2|2 1 0 -1 -2|0 2 4 6 8 10|0 -2 -4',
    );
  });

  test('fails when a random integer is asked for', () => {
    // GIVEN randInt
    const e = failure('{{ randInt 1 10 }}');
    // THEN CG701 says its result is random
    expect(e.code).toBe('CG701');
    expect(e.message).toContain('the function randInt (its result is random)');
  });
});
