/**
 * jsdom lays nothing out, and recharts draws only into a container with a size: call in a
 * `describe` whose tests render charts, to give every element 600×200 for each test.
 */
export function giveChartsASize() {
  beforeEach(() => {
    jest
      .spyOn(HTMLElement.prototype, 'getBoundingClientRect')
      .mockReturnValue({ width: 600, height: 200 } as DOMRect);
  });
  afterEach(() => jest.restoreAllMocks());
}
